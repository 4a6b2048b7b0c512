/*
 * diff — compare a plan with the national baseline it implements.
 *
 * Includes arena.h, diag.h, extract.h, normalize.h and store.h. Used by the
 * CLI commands diff, report and baseline, and by the report module.
 *
 * The baseline is a stored document like any other (ingested with
 * --as-baseline): its targets are the national targets, its tasks the
 * national tasks. A national target's id ("N1") is the code cell of the
 * table row that states it (a cell such as "N1" or "CT3"); targets stated
 * without a code are numbered N<k> after the highest code, in document order,
 * one per metric. Nothing of the baseline is compiled in.
 *
 * Target statuses (per national target, one metric):
 *   - the plan's strongest commitment on the metric counts: for a national
 *     ">=" (and a bare "=", read as a floor) the highest figure, for "<=" the
 *     lowest; a range counts by its looser end; a comparator pointing the
 *     other way is looser than any figure;
 *   - equal / stronger / weaker against the national figure, missing when
 *     the plan has no commitment on the metric;
 *   - every plan metric matching no national target gives one `local` row.
 *
 * Tasks: a plan task matches a national task when their content words (key
 * normalised, stop words of rules/diff-stopwords.txt dropped) overlap by a
 * Dice coefficient of at least PX_DIFF_TASK_THRESHOLD. Leads are compared
 * after mapping national bodies to their local counterparts
 * (rules/diff-levels.tsv: "Bộ " → "Sở ", …).
 *
 * Ownership: every record is arena-owned by the arena the caller passes;
 * strings borrowed from loaded extractions live in that same arena. A
 * struct px_diff_ctx is heap-owned: free with px_diff_ctx_free().
 */
#ifndef PX_DIFF_H
#define PX_DIFF_H

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "normalize.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Below this Dice score two tasks share too few words to be the same duty. */
#define PX_DIFF_TASK_THRESHOLD 0.34

enum px_diff_status {
    PX_DIFF_EQUAL,
    PX_DIFF_STRONGER,
    PX_DIFF_WEAKER,
    PX_DIFF_MISSING,
    PX_DIFF_LOCAL,
    PX_DIFF_STATUS_COUNT
};

const char *px_diff_status_name(enum px_diff_status s);

/* One national target: its id and the baseline's record. */
struct px_national {
    const char *id; /* "N1" */
    const struct px_target *t;
};

/* The baseline: a stored document marked is_baseline. */
struct px_baseline {
    int64_t doc_id;
    const char *key, *number, *path;
    struct px_national *targets;
    size_t ntargets;
    struct px_extraction ex; /* tasks of the baseline are ex.tasks */
};

/* One line of the target comparison. */
struct px_target_row {
    const char *national; /* "N1", NULL for a local target */
    const char *metric;
    enum px_diff_status status;
    const struct px_target *base; /* the national target, NULL for local */
    const struct px_target *plan; /* the plan's strongest commitment, NULL when missing */
};

/* One national task and the plan tasks matching it. */
struct px_task_row {
    const struct px_task *national;
    const struct px_task **plan; /* best first; nplan == 0: missing */
    double *score;
    size_t nplan;
    int lead_differs;     /* the best match's leads share none of the national leads */
    int deadline_differs; /* both deadlines known and different */
};

/* A plan against its baseline. */
struct px_plan_diff {
    int64_t doc_id;
    const char *doc, *path, *number, *province;
    int implements; /* 0: the plan does not implement the baseline; rows are empty */
    struct px_target_row *targets;
    size_t ntargets;
    struct px_task_row *tasks;
    size_t ntasks;
};

/*
 * Status of one plan target against a national target on the same metric.
 * Pure: no I/O. Neither pointer may be NULL.
 */
enum px_diff_status px_diff_compare(const struct px_target *national, const struct px_target *plan);

/* The plan's strongest commitment on national's metric among plan[0..n), or NULL. */
const struct px_target *px_diff_strongest(const struct px_target *national,
                                          const struct px_target *plan, size_t n);

/*
 * Compare plan targets with the national ones: one row per national target
 * (in order), then one `local` row per other plan metric (first mention).
 * *rows is arena-owned. Pure.
 */
void px_diff_targets(const struct px_national *nat, size_t nnat, const struct px_target *plan,
                     size_t nplan, struct px_arena *a, struct px_target_row **rows, size_t *n);

struct px_diff_ctx; /* normaliser, stop words, level map */

/* Load the data files of rules_dir (NULL: px_rules_default_dir()). NULL on failure (reported). */
struct px_diff_ctx *px_diff_ctx_new(const char *rules_dir, struct px_diag *dg);
void px_diff_ctx_free(struct px_diff_ctx *cx);

/* Dice similarity of two task texts on their content words, 0..1. */
double px_diff_task_similarity(struct px_diff_ctx *cx, const char *a, const char *b);

/* Do the national leads (mapped to local bodies) share none with the plan's leads? */
int px_diff_leads_differ(struct px_diff_ctx *cx, const struct px_strlist *national,
                         const struct px_strlist *plan);

/* Do two deadlines differ? 0 when either is missing or unknown. */
int px_diff_deadlines_differ(const struct px_deadline *national, const struct px_deadline *plan);

/* Match every national task against plan tasks. *rows is arena-owned. */
void px_diff_tasks(struct px_diff_ctx *cx, const struct px_task *nat, size_t nnat,
                   const struct px_task *plan, size_t nplan, struct px_arena *a,
                   struct px_task_row **rows, size_t *n);

/*
 * Find the baseline for a document number ("534/QĐ-TTg"; NULL: the only
 * baseline, if there is exactly one) and load it. The newest ingested
 * baseline with that number wins. Returns 1 found, 0 none (nothing
 * reported), -1 on a database failure (reported).
 */
int px_baseline_load(struct px_store *st, const char *number, struct px_arena *a,
                     struct px_baseline *out, struct px_diag *dg);

/* Numbers of every stored baseline, with their document; arena-owned. 0 or -1. */
int px_baseline_list(struct px_store *st, struct px_arena *a, struct px_store_doc **docs, size_t *n,
                     struct px_diag *dg);

/* Does the stored document implement this number? 1 yes, 0 no, -1 error. */
int px_doc_implements(struct px_store *st, int64_t doc_id, const char *number, struct px_diag *dg);

/*
 * Diff one stored document against a loaded baseline. A document that does
 * not implement the baseline's number gets implements = 0 and no rows.
 * Returns 0 or -1 (database failure, reported).
 */
int px_diff_plan(struct px_diff_ctx *cx, struct px_store *st, const struct px_baseline *bl,
                 const struct px_store_doc *doc, struct px_arena *a, struct px_plan_diff *out,
                 struct px_diag *dg);

/*
 * The plans to compare: stored documents that implement the baseline and
 * are not baselines themselves, one per doc key (text first, then html,
 * then docx: the first format stored). province != NULL keeps only that
 * province. *docs arena-owned. 0 or -1.
 */
int px_diff_select(struct px_store *st, const struct px_baseline *bl, const char *province,
                   struct px_arena *a, struct px_store_doc **docs, size_t *n, struct px_diag *dg);

/* Rank of a format when one plan is stored in several (lower first): text is the
 * plainest source and cites real lines, then docx, then html. */
int px_diff_format_rank(const char *format);

enum px_diff_format {
    PX_DIFF_TABLE, /* aligned terminal table */
    PX_DIFF_JSONL, /* {"doc","national","metric","status",...} per line (tools/score.py --diff) */
    PX_DIFF_CSV,   /* UTF-8 BOM, one header line */
    PX_DIFF_MD,    /* Markdown tables */
};

/*
 * Write the diffs of n plans against bl in a format (targets, then tasks).
 * Plans with implements == 0 are written as such. Returns 0, or -1 when
 * writing failed (reported).
 */
int px_diff_write(FILE *f, enum px_diff_format fmt, const struct px_baseline *bl,
                  const struct px_plan_diff *pd, size_t n, struct px_diag *dg);

/* One line per plan: counts per status, missing and weaker ids, task coverage. */
/* One CSV field, always quoted (RFC 4180), then ',' or, when last, CRLF. Shared by
 * the diff's and the report's CSV so both open the same way in Excel. */
void px_csv_field(FILE *f, const char *s, int last);

int px_diff_write_summary(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd,
                          size_t n, struct px_diag *dg);

/* A figure as people write it: "10", "0.5", "1.5"; range "20–30". buf of 48 bytes. */
const char *px_diff_figure(const struct px_target *t, char buf[48]);

#endif

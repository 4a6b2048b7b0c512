/*
 * extract — what a plan asks: document facts, tasks, targets (rules-driven).
 *
 * Includes doc.h, diag.h, rules.h, normalize.h. Used by the ingest driver,
 * the store (which persists these records) and the export.
 *
 * The records are the export contract of spec data-model.md plus provenance:
 * every record keeps the id of the rule that produced it and its source
 * span. All strings are normalised text (normalize.h PX_NORM_TEXT) and
 * arena-owned by the document passed to px_extract(): they live until
 * px_doc_release().
 */
#ifndef PX_EXTRACT_H
#define PX_EXTRACT_H

#include "diag.h"
#include "doc.h"
#include "normalize.h"
#include "rules.h"

#include <stddef.h>

/* A list that may be null (present == 0) as opposed to empty. */
struct px_strlist {
    int present;
    size_t n;
    char **v;
};

enum px_deadline_kind {
    PX_DL_UNKNOWN = 0,
    PX_DL_DATE,
    PX_DL_PERIOD,
    PX_DL_RECURRING,
    PX_DL_CONTINUOUS,
    PX_DL_AS_REQUIRED,
};

struct px_deadline {
    int present; /* 0: the field is null */
    char *raw;   /* the whole cell / phrase as written */
    enum px_deadline_kind kind;
    char start[11]; /* ISO date or "" for null */
    char end[11];
    const char *every; /* "year" | "half" | "quarter" | "month" | NULL */
    const char *rule;  /* rule id that decided the kind */
};

/* Where a value came from. */
struct px_prov {
    const char *rule; /* rule id, or a fixed name like "table.columns" */
    struct px_span span;
};

enum px_fact {
    PX_FACT_KIND,
    PX_FACT_NUMBER,
    PX_FACT_ISSUER,
    PX_FACT_PROVINCE,
    PX_FACT_ISSUED,
    PX_FACT_IMPLEMENTS,
    PX_FACT_COUNT
};

struct px_docinfo {
    const char *kind; /* "ke_hoach" | "quyet_dinh" | "chi_thi" | "cong_van" | "other" */
    char *number;     /* "333/KH-UBND" or NULL */
    char *issuer;
    char *province;  /* standard spelling, e.g. "Thanh Hóa" */
    char issued[11]; /* ISO or "" */
    struct px_strlist implements;
    int year; /* the plan's year (for year-less deadlines); 0 if unknown */
    struct px_prov prov[PX_FACT_COUNT];
};

struct px_task {
    char *id;           /* unique in the document: "a3" (appendix), "b7" (body) */
    const char *origin; /* "appendix" | "body" */
    char *ordinal;      /* as printed without trailing dot, or NULL */
    char *text;
    char *product; /* NULL if no product column */
    char *section; /* appendix section row / body heading it sits under, or NULL */
    struct px_strlist leads;
    struct px_strlist partners; /* present == 0 for body agency headings */
    struct px_deadline deadline;
    struct px_prov prov;
};

struct px_target {
    const char *task;   /* id of the task whose text holds it, or NULL */
    const char *metric; /* key from metrics, or "other:<slug>" */
    const char *cmp;    /* ">=" | "<=" | "=" | "range" */
    double value;
    int has_value2;
    double value2;
    const char *unit; /* "%" | "ngày" | "phút" | "count" */
    char *raw;        /* the matched words */
    struct px_prov prov;
};

/* Bytes owned elsewhere (here: by the document's arena). */
struct px_bytes {
    const unsigned char *p;
    size_t n;
};

struct px_extraction {
    struct px_docinfo info;
    struct px_task *tasks;
    size_t ntasks;
    struct px_target *targets;
    size_t ntargets;
    /* What the targets stage took from the stages before it: the plan's
     * year, the task ids and the task of each block and table row, encoded
     * (extract_state.c). The store keeps it with the fingerprints of the
     * extractor (px_extractor_fingerprints), so that after an edit of the
     * target rules alone the targets stage can run by itself. */
    struct px_bytes taskmap;
    /* Made by px_extract_targets_from: only the targets (and the task map
     * they were made with) are set; the facts and tasks were not read and
     * stay as stored. */
    int targets_only;
    char upstream[65], whole[65]; /* the extractor's fingerprints (below) */
};

struct px_extractor; /* compiled rules + normaliser; one per thread */

/* Load and compile every rule under rules_dir. NULL on failure (reported). Free with
 * px_extractor_free. */
struct px_extractor *px_extractor_new(const char *rules_dir, struct px_normalizer *nz,
                                      struct px_diag *dg);
void px_extractor_free(struct px_extractor *ex);

/*
 * Extract from a parsed and normalised document. Records are arena-owned by
 * doc. Returns 0, or -1 on a system failure (bad phrasing is never an error:
 * an unknown deadline is kind "unknown").
 */
int px_extract(struct px_extractor *ex, struct px_doc *doc, struct px_extraction *out,
               struct px_diag *dg);

/*
 * Fingerprints of what an extractor reads (SHA-256, hex). upstream: what
 * the stages before the targets stage (document facts, tasks) depend on:
 * the program itself (its build id), the ICU and PCRE2 versions, every
 * rule outside the target family (ids starting "target"), the agency
 * tables. whole: upstream, the target rules and the metric list. Equal
 * fingerprints and equal blocks give equal results, so a stored extraction
 * made with the same whole fingerprint needs no new run, and one made with
 * the same upstream fingerprint needs only its targets stage. Both are ""
 * when the program's build id cannot be found: then nothing is reused.
 * Owned by ex.
 */
const char *px_extractor_upstream(const struct px_extractor *ex);
const char *px_extractor_whole(const struct px_extractor *ex);

/*
 * The targets stage alone, on a document whose stored extraction was made
 * with the same upstream fingerprint; map is the taskmap px_extract made
 * then (struct px_extraction). Sets out->targets and out->targets_only;
 * the rest of out is empty. Returns 0; 1 when map does not describe doc
 * (another build, a damaged row: run px_extract instead), nothing
 * reported; -1 on a system failure (reported).
 */
int px_extract_targets_from(struct px_extractor *ex, struct px_doc *doc, const void *map, size_t n,
                            struct px_extraction *out, struct px_diag *dg);

const char *px_deadline_kind_name(enum px_deadline_kind k);

#endif

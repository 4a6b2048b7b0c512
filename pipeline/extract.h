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

struct px_extraction {
    struct px_docinfo info;
    struct px_task *tasks;
    size_t ntasks;
    struct px_target *targets;
    size_t ntargets;
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

const char *px_deadline_kind_name(enum px_deadline_kind k);

#endif

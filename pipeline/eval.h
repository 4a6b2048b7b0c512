/*
 * eval — score an extraction export against gold answers: a C port of the
 * reference scorer tests/tools/score.py, tally for tally.
 *
 * Includes diag.h and jansson. Used by `planex eval` and its tests.
 *
 * What it reproduces exactly: the pairing of tasks (appendix by ordinal,
 * body by the first eight normalised words, then the closest text, then a
 * Jaccard fallback above 0.5), the per-field tallies, the normalisation
 * (NFC, tone placement, casefold, whitespace collapse, strip " \t.;:,"),
 * the text similarity (difflib SequenceMatcher ratio on word lists,
 * autojunk off, >= 0.9), the deduplicated target keys, and the printed
 * table, error lines and --json object.
 *
 * Ownership: records are json_t arrays the caller owns (borrowed here);
 * struct px_eval owns its error lines: release with px_eval_release().
 */
#ifndef PX_EVAL_H
#define PX_EVAL_H

#include "diag.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

enum px_eval_field {
    PX_EV_TASK_FOUND,
    PX_EV_TASK_TEXT,
    PX_EV_TASK_PRODUCT,
    PX_EV_TASK_LEADS,
    PX_EV_TASK_PARTNERS,
    PX_EV_TASK_DL_KIND,
    PX_EV_TASK_DL_DATES,
    PX_EV_TARGET,
    PX_EV_DOC_KIND,
    PX_EV_DOC_NUMBER,
    PX_EV_DOC_ISSUER,
    PX_EV_DOC_PROVINCE,
    PX_EV_DOC_ISSUED,
    PX_EV_DOC_IMPLEMENTS,
    PX_EV_NFIELDS
};

struct px_eval_tally {
    long tp, fp, fn;
};

struct px_eval {
    struct px_eval_tally field[PX_EV_NFIELDS];
    size_t ndocs; /* documents scored (those of the gold, after the filter) */
    int want_errors;
    char **errors; /* heap-owned lines, in score.py's order */
    size_t nerrors, cap;
};

/* "task.found", "task.text", … "document.implements". */
const char *px_eval_field_name(enum px_eval_field f);

/* Append the records of a .jsonl file, or of every *.jsonl of a directory in
 * name order, to the array records. Returns 0, or -1 with a PX_ERROR. */
int px_eval_load_jsonl(const char *path, json_t *records, struct px_diag *dg);

/* Parse JSON Lines from memory (name for messages). Returns 0 or -1 with a PX_ERROR. */
int px_eval_parse_jsonl(const char *name, const char *data, size_t len, json_t *records,
                        struct px_diag *dg);

/*
 * Score pred against gold. docs: NULL, or a comma-separated list of document
 * keys to restrict to. want_errors collects the --show-errors lines.
 * Returns 0, or -1 when ICU cannot be set up (reported).
 */
int px_eval_run(struct px_eval *ev, json_t *gold, json_t *pred, const char *docs, int want_errors,
                struct px_diag *dg);
void px_eval_release(struct px_eval *ev);

/* Precision, recall, F1 of one tally (score.py's prf); micro over all but task.found. */
void px_eval_prf(const struct px_eval_tally *t, double *p, double *r, double *f);
void px_eval_micro(const struct px_eval *ev, struct px_eval_tally *total);

/* The table of score.py (error lines and a blank line first, when collected). */
void px_eval_print(FILE *f, const struct px_eval *ev);
/* The --json object of score.py, on one line. */
void px_eval_print_json(FILE *f, const struct px_eval *ev);

#endif

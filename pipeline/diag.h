/*
 * diag — diagnostics sink for bad input and system failures.
 *
 * Includes only buf.h. Stages never print to stderr themselves: they report
 * into a struct px_diag, and the CLI (or a test) decides what to do with it.
 *
 * Three kinds of trouble, never mixed:
 *   - bad input: px_diag_report(dg, PX_WARNING|PX_ERROR, file, line, fmt...),
 *     then recover and go on with the document or the batch;
 *   - system/library failure: px_error(dg, ...) records it and returns -1,
 *     so call sites read `return px_error(dg, ...)`;
 *   - bugs: assert().
 *
 * Message style: lowercase, no full stop, what failed first, subject quoted.
 * Printed form: `planex: FILE:LINE: SEVERITY: message`.
 */
#ifndef PX_DIAG_H
#define PX_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum px_severity {
    PX_NOTE = 0,
    PX_WARNING = 1,
    PX_ERROR = 2, /* the file could not be processed; nothing is stored for it */
    PX_FATAL = 3, /* a system failure: the run cannot go on */
};

struct px_diag_item {
    enum px_severity sev;
    char *file; /* heap-owned, may be NULL */
    long line;  /* 1-based; 0 when not known */
    long col;   /* 1-based; 0 when not known */
    char *msg;  /* heap-owned */
};

struct px_diag {
    struct px_diag_item *items; /* heap-owned array */
    size_t n, cap;
    enum px_severity worst; /* PX_NOTE when nothing was reported */
    FILE *echo;             /* when non-NULL, every item is also printed here at once */
    enum px_severity echo_min;
};

void px_diag_init(struct px_diag *dg);
void px_diag_release(struct px_diag *dg);
/* Forget the items (and the worst severity) but keep the echo setting. */
void px_diag_clear(struct px_diag *dg);

void px_diag_report(struct px_diag *dg, enum px_severity sev, const char *file, long line, long col,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Record a PX_FATAL system failure; always returns -1. */
int px_error(struct px_diag *dg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Number of items at or above sev. */
size_t px_diag_count(const struct px_diag *dg, enum px_severity sev);
/* Report every item of from into to, in order (a worker's diagnostics into the caller's
 * sink, which may echo them). */
void px_diag_forward(const struct px_diag *from, struct px_diag *to);
/* The first item at or above sev, or NULL. */
const struct px_diag_item *px_diag_first(const struct px_diag *dg, enum px_severity sev);
void px_diag_print_item(FILE *f, const struct px_diag_item *it);
void px_diag_print(FILE *f, const struct px_diag *dg, enum px_severity min);
const char *px_severity_name(enum px_severity sev);

#endif

#include "diag.h"
#include "buf.h"

#include <stdarg.h>
#include <stdlib.h>

void
px_diag_init(struct px_diag *dg)
{
    dg->items = NULL;
    dg->n = dg->cap = 0;
    dg->worst = PX_NOTE;
    dg->echo = NULL;
    dg->echo_min = PX_WARNING;
}

void
px_diag_clear(struct px_diag *dg)
{
    for (size_t i = 0; i < dg->n; i++) {
        free(dg->items[i].file);
        free(dg->items[i].msg);
    }
    dg->n = 0;
    dg->worst = PX_NOTE;
}

void
px_diag_release(struct px_diag *dg)
{
    px_diag_clear(dg);
    free(dg->items);
    dg->items = NULL;
    dg->cap = 0;
}

const char *
px_severity_name(enum px_severity sev)
{
    static const char *const names[] = {"note", "warning", "error", "fatal"};
    return (unsigned)sev < 4 ? names[sev] : "?";
}

static void
add_item(struct px_diag *dg, enum px_severity sev, const char *file, long line, long col,
         const char *fmt, va_list ap)
{
    if (dg->n == dg->cap) {
        dg->cap = dg->cap ? dg->cap * 2 : 16;
        dg->items = px_xrealloc(dg->items, dg->cap * sizeof *dg->items);
    }
    struct px_buf msg = PX_BUF_INIT;
    px_buf_vprintf(&msg, fmt, ap);
    struct px_diag_item *it = &dg->items[dg->n++];
    it->sev = sev;
    it->file = file ? px_xstrdup(file) : NULL;
    it->line = line;
    it->col = col;
    it->msg = px_buf_detach(&msg, NULL);
    if (sev > dg->worst)
        dg->worst = sev;
    if (dg->echo && sev >= dg->echo_min)
        px_diag_print_item(dg->echo, it);
}

void
px_diag_report(struct px_diag *dg, enum px_severity sev, const char *file, long line, long col,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_item(dg, sev, file, line, col, fmt, ap);
    va_end(ap);
}

int
px_error(struct px_diag *dg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_item(dg, PX_FATAL, NULL, 0, 0, fmt, ap);
    va_end(ap);
    return -1;
}

size_t
px_diag_count(const struct px_diag *dg, enum px_severity sev)
{
    size_t k = 0;
    for (size_t i = 0; i < dg->n; i++)
        k += dg->items[i].sev >= sev;
    return k;
}

const struct px_diag_item *
px_diag_first(const struct px_diag *dg, enum px_severity sev)
{
    for (size_t i = 0; i < dg->n; i++)
        if (dg->items[i].sev >= sev)
            return &dg->items[i];
    return NULL;
}

void
px_diag_print_item(FILE *f, const struct px_diag_item *it)
{
    fputs("planex: ", f);
    if (it->file) {
        fputs(it->file, f);
        if (it->line > 0)
            fprintf(f, ":%ld", it->line);
        if (it->col > 0)
            fprintf(f, ":%ld", it->col);
        fputs(": ", f);
    }
    fprintf(f, "%s: %s\n", px_severity_name(it->sev), it->msg);
}

void
px_diag_print(FILE *f, const struct px_diag *dg, enum px_severity min)
{
    for (size_t i = 0; i < dg->n; i++)
        if (dg->items[i].sev >= min)
            px_diag_print_item(f, &dg->items[i]);
}

void
px_diag_forward(const struct px_diag *from, struct px_diag *to)
{
    for (size_t i = 0; i < from->n; i++) {
        const struct px_diag_item *it = &from->items[i];
        px_diag_report(to, it->sev, it->file, it->line, it->col, "%s", it->msg);
    }
}

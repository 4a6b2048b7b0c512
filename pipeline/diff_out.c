/* diff_out — write diffs as a terminal table, JSON Lines, CSV or Markdown (see diff.h). */
#include "diff.h"

#include "buf.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Words longer than this are cut in the terminal table (the jsonl keeps them whole). */
#define TABLE_WORDS_MAX 60

const char *
px_diff_figure(const struct px_target *t, char buf[48])
{
    if (t->has_value2)
        snprintf(buf, 48, "%g–%g", t->value, t->value2);
    else
        snprintf(buf, 48, "%g", t->value);
    return buf;
}

static const char *
cmp_sign(const char *cmp)
{
    if (!cmp)
        return "";
    return !strcmp(cmp, ">=") ? "≥" : !strcmp(cmp, "<=") ? "≤" : !strcmp(cmp, "=") ? "=" : "";
}

/* "≥ 60 %", "20–30 %", "≤ 1.5 ngày" */
static void
commitment(struct px_buf *b, const struct px_target *t)
{
    char fig[48];
    if (!t)
        return;
    const char *sign = cmp_sign(t->cmp);
    px_buf_printf(b, "%s%s%s %s", sign, *sign ? " " : "", px_diff_figure(t, fig),
                  t->unit ? t->unit : "");
}

/* ---- terminal table ------------------------------------------------------ */

/* Display width: code points (the text is NFC, Vietnamese letters are one each). */
static size_t
width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Cut s to at most max code points, adding "…". */
static void
put_cut(struct px_buf *b, const char *s, size_t max)
{
    size_t w = 0;
    const char *p = s;
    for (; *p; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80 && ++w > max)
            break;
    }
    px_buf_put(b, s, (size_t)(p - s));
    if (*p)
        px_buf_puts(b, "…");
}

struct table {
    size_t ncols, nrows;
    char **cells; /* nrows * ncols, heap */
};

static void
table_add(struct table *t, const char *const *row)
{
    t->cells = px_xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof *t->cells);
    for (size_t c = 0; c < t->ncols; c++)
        t->cells[t->nrows * t->ncols + c] = px_xstrdup(row[c] ? row[c] : "");
    t->nrows++;
}

static void
table_print(FILE *f, struct table *t)
{
    size_t w[16] = {0};
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++)
            if (width(t->cells[r * t->ncols + c]) > w[c])
                w[c] = width(t->cells[r * t->ncols + c]);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * t->ncols + c];
            int last = c + 1 == t->ncols;
            fprintf(f, "%s%*s", s, last ? 0 : (int)(w[c] - width(s) + 2), "");
            free(t->cells[r * t->ncols + c]);
        }
        fputc('\n', f);
    }
    free(t->cells);
    t->cells = NULL;
    t->nrows = 0;
}

static char *
line_of(const struct px_target *t, char buf[24])
{
    buf[0] = '\0';
    if (t && t->prov.span.line)
        snprintf(buf, 24, "%u", (unsigned)t->prov.span.line);
    return buf;
}

static void
table_targets(FILE *f, const struct px_plan_diff *pd, size_t n)
{
    struct table t = {8, 0, NULL};
    const char *head[] = {"doc", "id", "metric", "status", "plan", "national", "line", "words"};
    table_add(&t, head);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < pd[i].ntargets; k++) {
            const struct px_target_row *r = &pd[i].targets[k];
            struct px_buf plan = PX_BUF_INIT, nat = PX_BUF_INIT, words = PX_BUF_INIT;
            char line[24];
            commitment(&plan, r->plan);
            commitment(&nat, r->base);
            if (r->plan && r->plan->raw)
                put_cut(&words, r->plan->raw, TABLE_WORDS_MAX);
            const char *row[] = {pd[i].doc,
                                 r->national ? r->national : "local",
                                 r->metric,
                                 px_diff_status_name(r->status),
                                 plan.ptr,
                                 nat.ptr,
                                 line_of(r->plan, line),
                                 words.ptr};
            table_add(&t, row);
            px_buf_release(&plan);
            px_buf_release(&nat);
            px_buf_release(&words);
        }
    table_print(f, &t);
}

static void
task_flags(struct px_buf *b, const struct px_task_row *r)
{
    if (r->nplan == 0) {
        px_buf_puts(b, "missing");
        return;
    }
    px_buf_puts(b, "matched");
    if (r->lead_differs)
        px_buf_puts(b, ", lead differs");
    if (r->deadline_differs)
        px_buf_puts(b, ", deadline differs");
}

static void
table_tasks(FILE *f, const struct px_plan_diff *pd, size_t n)
{
    struct table t = {6, 0, NULL};
    const char *head[] = {"doc", "task", "status", "plan task", "score", "national task"};
    table_add(&t, head);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < pd[i].ntasks; k++) {
            const struct px_task_row *r = &pd[i].tasks[k];
            struct px_buf st = PX_BUF_INIT, text = PX_BUF_INIT, ids = PX_BUF_INIT;
            char score[16] = "";
            task_flags(&st, r);
            for (size_t j = 0; j < r->nplan && j < 3; j++)
                px_buf_printf(&ids, "%s%s", j ? " " : "", r->plan[j]->id);
            if (r->nplan > 3)
                px_buf_printf(&ids, " +%zu", r->nplan - 3);
            if (r->nplan)
                snprintf(score, sizeof score, "%.2f", r->score[0]);
            put_cut(&text, r->national->text ? r->national->text : "", TABLE_WORDS_MAX);
            const char *ord = r->national->ordinal ? r->national->ordinal : r->national->id;
            const char *row[] = {pd[i].doc, ord, st.ptr, ids.ptr, score, text.ptr};
            table_add(&t, row);
            px_buf_release(&st);
            px_buf_release(&text);
            px_buf_release(&ids);
        }
    table_print(f, &t);
}

/* ---- JSON Lines ---------------------------------------------------------- */

static json_t *
str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *
number_json(double v)
{
    return v == floor(v) && fabs(v) < 1e15 ? json_integer((json_int_t)v) : json_real(v);
}

static void
put_target_fields(json_t *o, const char *prefix, const struct px_target *t)
{
    char k[32];
    snprintf(k, sizeof k, "%scmp", prefix);
    json_object_set_new(o, k, t ? str_or_null(t->cmp) : json_null());
    snprintf(k, sizeof k, "%svalue", prefix);
    json_object_set_new(o, k, t ? number_json(t->value) : json_null());
    snprintf(k, sizeof k, "%svalue2", prefix);
    json_object_set_new(o, k, t && t->has_value2 ? number_json(t->value2) : json_null());
    snprintf(k, sizeof k, "%sunit", prefix);
    json_object_set_new(o, k, t ? str_or_null(t->unit) : json_null());
}

static int
emit(FILE *f, json_t *o)
{
    int r = json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    json_decref(o);
    return r;
}

static int
jsonl_target(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd,
             const struct px_target_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "doc", json_string(pd->doc));
    json_object_set_new(o, "national", str_or_null(r->national));
    json_object_set_new(o, "metric", str_or_null(r->metric));
    json_object_set_new(o, "status", json_string(px_diff_status_name(r->status)));
    json_object_set_new(o, "type", json_string("target"));
    json_object_set_new(o, "baseline", json_string(bl->number));
    put_target_fields(o, "", r->plan);
    json_object_set_new(o, "raw", r->plan ? str_or_null(r->plan->raw) : json_null());
    json_object_set_new(o, "line",
                        r->plan && r->plan->prov.span.line ? json_integer(r->plan->prov.span.line)
                                                           : json_null());
    put_target_fields(o, "national_", r->base);
    return emit(f, o);
}

static int
jsonl_task(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd,
           const struct px_task_row *r)
{
    json_t *o = json_object(), *m = json_array();
    json_object_set_new(o, "doc", json_string(pd->doc));
    json_object_set_new(o, "type", json_string("task"));
    json_object_set_new(o, "baseline", json_string(bl->number));
    json_object_set_new(o, "national_task", str_or_null(r->national->ordinal));
    json_object_set_new(o, "national_text", str_or_null(r->national->text));
    json_object_set_new(o, "status", json_string(r->nplan ? "matched" : "missing"));
    for (size_t j = 0; j < r->nplan; j++) {
        json_t *x = json_object();
        json_object_set_new(x, "task", json_string(r->plan[j]->id));
        json_object_set_new(x, "score", json_real(round(r->score[j] * 1000) / 1000));
        json_object_set_new(x, "line", json_integer(r->plan[j]->prov.span.line));
        json_array_append_new(m, x);
    }
    json_object_set_new(o, "matches", m);
    json_object_set_new(o, "lead_differs", json_boolean(r->lead_differs));
    json_object_set_new(o, "deadline_differs", json_boolean(r->deadline_differs));
    return emit(f, o);
}

static int
write_jsonl(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd, size_t n)
{
    int r = 0;
    for (size_t i = 0; i < n; i++) {
        if (!pd[i].implements) {
            json_t *o = json_object();
            json_object_set_new(o, "doc", json_string(pd[i].doc));
            json_object_set_new(o, "type", json_string("not_implementing"));
            json_object_set_new(o, "baseline", json_string(bl->number));
            r |= emit(f, o);
            continue;
        }
        for (size_t k = 0; k < pd[i].ntargets; k++)
            r |= jsonl_target(f, bl, &pd[i], &pd[i].targets[k]);
        for (size_t k = 0; k < pd[i].ntasks; k++)
            r |= jsonl_task(f, bl, &pd[i], &pd[i].tasks[k]);
    }
    return r ? -1 : 0;
}

/* ---- CSV and Markdown ---------------------------------------------------- */

void
px_csv_field(FILE *f, const char *s, int last)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputs(last ? "\"\r\n" : "\",", f);
}

/* Markdown cell: pipes escaped, newlines as spaces. */
static void
md_field(FILE *f, const char *s)
{
    fputs(" ", f);
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else
            fputc(*s == '\n' ? ' ' : *s, f);
    }
    fputs(" |", f);
}

static void
write_rows(FILE *f, int md, const char *const *row, size_t ncols)
{
    if (md)
        fputs("|", f);
    for (size_t c = 0; c < ncols; c++) {
        if (md)
            md_field(f, row[c]);
        else
            px_csv_field(f, row[c], c + 1 == ncols);
    }
    if (md)
        fputc('\n', f);
}

static void
write_flat(FILE *f, int md, const struct px_baseline *bl, const struct px_plan_diff *pd, size_t n)
{
    static const char *const head[] = {"doc",  "baseline",        "national", "metric", "status",
                                       "plan", "national figure", "line",     "words"};
    size_t nc = sizeof head / sizeof *head;
    if (!md)
        fputs("\xEF\xBB\xBF", f);
    write_rows(f, md, head, nc);
    if (md)
        fputs("|---|---|---|---|---|---|---|---|---|\n", f);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < pd[i].ntargets; k++) {
            const struct px_target_row *r = &pd[i].targets[k];
            struct px_buf plan = PX_BUF_INIT, nat = PX_BUF_INIT;
            char line[24];
            commitment(&plan, r->plan);
            commitment(&nat, r->base);
            const char *row[] = {pd[i].doc,
                                 bl->number,
                                 r->national ? r->national : "",
                                 r->metric,
                                 px_diff_status_name(r->status),
                                 plan.ptr,
                                 nat.ptr,
                                 line_of(r->plan, line),
                                 r->plan && r->plan->raw ? r->plan->raw : ""};
            write_rows(f, md, row, nc);
            px_buf_release(&plan);
            px_buf_release(&nat);
        }
}

int
px_diff_write(FILE *f, enum px_diff_format fmt, const struct px_baseline *bl,
              const struct px_plan_diff *pd, size_t n, struct px_diag *dg)
{
    int r = 0;
    if (fmt == PX_DIFF_JSONL) {
        r = write_jsonl(f, bl, pd, n);
    } else if (fmt == PX_DIFF_TABLE) {
        fprintf(f, "baseline %s (%s)\n\n", bl->number, bl->key);
        table_targets(f, pd, n);
        fputc('\n', f);
        table_tasks(f, pd, n);
    } else {
        write_flat(f, fmt == PX_DIFF_MD, bl, pd, n);
    }
    if (r != 0 || ferror(f))
        return px_error(dg, "cannot write the diff");
    return 0;
}

int
px_diff_write_summary(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd,
                      size_t n, struct px_diag *dg)
{
    fprintf(f, "omissions against %s (%zu national targets, %zu national tasks)\n", bl->number,
            bl->ntargets, bl->ex.ntasks);
    for (size_t i = 0; i < n; i++) {
        size_t count[PX_DIFF_STATUS_COUNT] = {0}, matched = 0, leads = 0, dls = 0;
        struct px_buf gaps = PX_BUF_INIT;
        for (size_t k = 0; k < pd[i].ntargets; k++) {
            const struct px_target_row *r = &pd[i].targets[k];
            count[r->status]++;
            if (r->status == PX_DIFF_MISSING || r->status == PX_DIFF_WEAKER)
                px_buf_printf(&gaps, "%s%s%s", gaps.len ? " " : "", r->national,
                              r->status == PX_DIFF_WEAKER ? "(weaker)" : "");
        }
        for (size_t k = 0; k < pd[i].ntasks; k++) {
            matched += pd[i].tasks[k].nplan > 0;
            leads += pd[i].tasks[k].lead_differs;
            dls += pd[i].tasks[k].deadline_differs;
        }
        if (!pd[i].implements)
            fprintf(f, "  %s: does not implement %s\n", pd[i].doc, bl->number);
        else
            fprintf(f,
                    "  %s (%s): %zu equal, %zu stronger, %zu weaker, %zu missing%s%s%s; %zu local;"
                    " tasks %zu/%zu matched, %zu lead and %zu deadline differences\n",
                    pd[i].doc, pd[i].province ? pd[i].province : "?", count[PX_DIFF_EQUAL],
                    count[PX_DIFF_STRONGER], count[PX_DIFF_WEAKER], count[PX_DIFF_MISSING],
                    gaps.len ? " (" : "", gaps.ptr, gaps.len ? ")" : "", count[PX_DIFF_LOCAL],
                    matched, pd[i].ntasks, leads, dls);
        px_buf_release(&gaps);
    }
    if (ferror(f))
        return px_error(dg, "cannot write the summary");
    return 0;
}

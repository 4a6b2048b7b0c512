/* report — the HTML page and the CSV matrix, and the directory writer (see report.h). */
#define _POSIX_C_SOURCE 200809L

#include "report.h"

#include "buf.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

void
px_html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static const char *
cmp_sign(const char *cmp)
{
    if (!cmp)
        return "";
    return !strcmp(cmp, ">=") ? "≥ " : !strcmp(cmp, "<=") ? "≤ " : "";
}

/* "≥ 60 %" into b (cleared). */
static const char *
figure(struct px_buf *b, const struct px_target *t)
{
    char fig[48];
    px_buf_clear(b);
    if (t)
        px_buf_printf(b, "%s%s %s", cmp_sign(t->cmp), px_diff_figure(t, fig),
                      t->unit && strcmp(t->unit, "count") ? t->unit : "");
    return b->ptr;
}

/* Colours chosen to keep a 4.5:1 contrast with black text; the label says it too. */
static const char style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:1.5rem;"
    "color:#111;max-width:1400px}"
    "h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin-top:2rem}"
    "h3{font-size:1rem;margin:1.2rem 0 .3rem}"
    ".wrap{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0}"
    "th,td{border:1px solid #bbb;padding:.3rem .45rem;vertical-align:top;text-align:left}"
    "#matrix thead th{position:sticky;top:0;background:#f3f3f3;z-index:1}"
    "#matrix td{min-width:5.5rem;font-size:.9rem}"
    ".equal{background:#d9f2d9}.stronger{background:#b7e4f7}.weaker{background:#ffe0a3}"
    ".missing{background:#f7c6c6}.local{background:#eee}"
    ".lab{font-weight:600;font-size:.75rem;text-transform:uppercase;display:block}"
    "summary{cursor:pointer}details q{display:block;font-size:.8rem;margin-top:.2rem}"
    ".legend span{display:inline-block;padding:.1rem .5rem;margin-right:.4rem;border:1px solid "
    "#bbb}"
    ".muted{color:#555;font-size:.85rem}"
    "@media print{body{margin:0;font-size:10pt}.wrap{overflow:visible}"
    "#matrix thead th{position:static}details>*{display:block}"
    "section{break-inside:avoid-page}a{color:inherit;text-decoration:none}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static void
head(FILE *f, const struct px_baseline *bl)
{
    fputs("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
          "<title>planex: plans against ",
          f);
    px_html_escape(f, bl->number);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Plans against ", style);
    px_html_escape(f, bl->number);
    fputs("</h1>\n<p class=\"muted\">Baseline document: ", f);
    px_html_escape(f, bl->path);
    fputs(". Click a cell for the plan's own words and line.</p>\n<p class=\"legend\">"
          "<span class=\"equal\">equal</span><span class=\"stronger\">stronger</span>"
          "<span class=\"weaker\">weaker</span><span class=\"missing\">missing</span></p>\n",
          f);
}

static void
matrix_head(FILE *f, const struct px_baseline *bl)
{
    struct px_buf b = PX_BUF_INIT;
    fputs("<div class=\"wrap\"><table id=\"matrix\">\n<thead><tr><th scope=\"col\">Plan</th>", f);
    for (size_t i = 0; i < bl->ntargets; i++) {
        fputs("<th scope=\"col\" title=\"", f);
        px_html_escape(f, bl->targets[i].t->metric);
        fputs("\">", f);
        px_html_escape(f, bl->targets[i].id);
        fputs("<br><span class=\"muted\">", f);
        px_html_escape(f, figure(&b, bl->targets[i].t));
        fputs("</span></th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    px_buf_release(&b);
}

static void
plan_name(FILE *f, const struct px_plan_diff *p)
{
    px_html_escape(f, p->province ? p->province : p->doc);
    fputs("<br><span class=\"muted\">", f);
    px_html_escape(f, p->number ? p->number : "");
    fputs(" ", f);
    px_html_escape(f, p->doc);
    fputs("</span>", f);
}

static void
matrix_cell(FILE *f, const struct px_target_row *r, struct px_buf *b)
{
    const char *st = px_diff_status_name(r->status);
    fprintf(f, "<td class=\"%s\"", st);
    if (r->plan) {
        fputs(" title=\"", f);
        px_html_escape(f, r->plan->raw);
        fprintf(f, " (line %u)\"", (unsigned)r->plan->prov.span.line);
    }
    fprintf(f, "><details><summary><span class=\"lab\">%s</span>", st);
    px_html_escape(f, r->plan ? figure(b, r->plan) : "—");
    fputs("</summary>", f);
    if (r->plan) {
        fputs("<q>", f);
        px_html_escape(f, r->plan->raw);
        fprintf(f, "</q><span class=\"muted\">line %u</span>", (unsigned)r->plan->prov.span.line);
    } else {
        fputs("<q>no commitment on this metric</q>", f);
    }
    fputs("</details></td>", f);
}

static void
matrix(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd, size_t n)
{
    struct px_buf b = PX_BUF_INIT;
    matrix_head(f, bl);
    for (size_t i = 0; i < n; i++) {
        if (!pd[i].implements)
            continue;
        fprintf(f, "<tr><th scope=\"row\"><a href=\"#plan-%zu\">", i);
        plan_name(f, &pd[i]);
        fputs("</a></th>", f);
        for (size_t k = 0; k < pd[i].ntargets; k++)
            if (pd[i].targets[k].national)
                matrix_cell(f, &pd[i].targets[k], &b);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    px_buf_release(&b);
}

static void
gaps(FILE *f, const struct px_plan_diff *p)
{
    struct px_buf b = PX_BUF_INIT;
    fputs("<h3>Missing or weaker targets</h3>\n<ul>", f);
    int any = 0;
    for (size_t k = 0; k < p->ntargets; k++) {
        const struct px_target_row *r = &p->targets[k];
        if (r->status != PX_DIFF_MISSING && r->status != PX_DIFF_WEAKER &&
            r->status != PX_DIFF_LOCAL)
            continue;
        any = 1;
        fprintf(f, "<li><span class=\"%s\">%s</span> ", px_diff_status_name(r->status),
                px_diff_status_name(r->status));
        px_html_escape(f, r->national ? r->national : "");
        fputs(" ", f);
        px_html_escape(f, r->metric);
        if (r->base) {
            fputs(" (national ", f);
            px_html_escape(f, figure(&b, r->base));
            fputs(")", f);
        }
        if (r->plan) {
            fputs(": plan ", f);
            px_html_escape(f, figure(&b, r->plan));
            fputs(", “", f);
            px_html_escape(f, r->plan->raw);
            fprintf(f, "”, line %u", (unsigned)r->plan->prov.span.line);
        }
        fputs("</li>", f);
    }
    fputs(any ? "</ul>\n" : "<li>none</li></ul>\n", f);
    px_buf_release(&b);
}

static void
task_coverage(FILE *f, const struct px_plan_diff *p)
{
    size_t matched = 0;
    for (size_t k = 0; k < p->ntasks; k++)
        matched += p->tasks[k].nplan > 0;
    fprintf(f,
            "<h3>National tasks: %zu of %zu matched</h3>\n<table><thead><tr><th>#</th>"
            "<th>National task</th><th>Plan task</th><th>Score</th><th>Notes</th></tr>"
            "</thead><tbody>\n",
            matched, p->ntasks);
    for (size_t k = 0; k < p->ntasks; k++) {
        const struct px_task_row *r = &p->tasks[k];
        fputs("<tr><td>", f);
        px_html_escape(f, r->national->ordinal);
        fputs("</td><td>", f);
        px_html_escape(f, r->national->text);
        if (r->nplan) {
            fputs("</td><td>", f);
            px_html_escape(f, r->plan[0]->text);
            fprintf(f, " <span class=\"muted\">(line %u)</span></td><td>%.2f</td><td>",
                    (unsigned)r->plan[0]->prov.span.line, r->score[0]);
            fputs(r->lead_differs ? "lead differs " : "", f);
            fputs(r->deadline_differs ? "deadline differs" : "", f);
            fputs("</td></tr>\n", f);
        } else {
            fputs("</td><td class=\"missing\" colspan=\"3\">missing</td></tr>\n", f);
        }
    }
    fputs("</tbody></table>\n", f);
}

int
px_report_html(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd, size_t n,
               struct px_diag *dg)
{
    head(f, bl);
    matrix(f, bl, pd, n);
    for (size_t i = 0; i < n; i++) {
        if (!pd[i].implements)
            continue;
        fprintf(f, "<section id=\"plan-%zu\"><h2>", i);
        plan_name(f, &pd[i]);
        fputs("</h2>\n", f);
        gaps(f, &pd[i]);
        task_coverage(f, &pd[i]);
        fputs("</section>\n", f);
    }
    fputs("</body>\n</html>\n", f);
    return ferror(f) ? px_error(dg, "cannot write the html report") : 0;
}

int
px_report_csv(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd, size_t n,
              struct px_diag *dg)
{
    struct px_buf b = PX_BUF_INIT, cell = PX_BUF_INIT;
    fputs("\xEF\xBB\xBF", f);
    px_csv_field(f, "doc", 0);
    px_csv_field(f, "province", 0);
    for (size_t i = 0; i < bl->ntargets; i++)
        px_csv_field(f, bl->targets[i].id, i + 1 == bl->ntargets);
    for (size_t i = 0; i < n; i++) {
        if (!pd[i].implements)
            continue;
        px_csv_field(f, pd[i].doc, 0);
        px_csv_field(f, pd[i].province, 0);
        for (size_t k = 0; k < pd[i].ntargets && pd[i].targets[k].national; k++) {
            const struct px_target_row *r = &pd[i].targets[k];
            px_buf_clear(&cell);
            px_buf_puts(&cell, px_diff_status_name(r->status));
            if (r->plan)
                px_buf_printf(&cell, " %s (line %u)", figure(&b, r->plan),
                              (unsigned)r->plan->prov.span.line);
            px_csv_field(f, cell.ptr, k + 1 == bl->ntargets);
        }
    }
    px_buf_release(&b);
    px_buf_release(&cell);
    return ferror(f) ? px_error(dg, "cannot write the csv report") : 0;
}

static int
write_one(const char *dir, const char *name, const struct px_baseline *bl,
          const struct px_plan_diff *pd, size_t n, struct px_diag *dg)
{
    struct px_buf path = PX_BUF_INIT;
    px_buf_printf(&path, "%s/%s", dir, name);
    FILE *f = fopen(path.ptr, "wb");
    int r = -1;
    if (!f) {
        r = px_error(dg, "cannot create '%s': %s", path.ptr, strerror(errno));
    } else {
        r = !strcmp(name, "report.html") ? px_report_html(f, bl, pd, n, dg)
                                         : px_report_csv(f, bl, pd, n, dg);
        if (fclose(f) != 0 && r == 0)
            r = px_error(dg, "cannot write '%s': %s", path.ptr, strerror(errno));
    }
    px_buf_release(&path);
    return r;
}

int
px_report_write(const char *dir, const struct px_baseline *bl, const struct px_plan_diff *pd,
                size_t n, struct px_diag *dg)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return px_error(dg, "cannot create the directory '%s': %s", dir, strerror(errno));
    if (write_one(dir, "report.html", bl, pd, n, dg) != 0 ||
        write_one(dir, "report.csv", bl, pd, n, dg) != 0)
        return -1;
    struct px_buf path = PX_BUF_INIT;
    px_buf_printf(&path, "%s/report.xlsx", dir);
    int r = px_report_xlsx(path.ptr, bl, pd, n, dg);
    px_buf_release(&path);
    return r;
}

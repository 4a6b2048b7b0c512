/* report_xlsx — the matrix and the task coverage as an Excel workbook (see report.h). */
#include "report.h"

#include "buf.h"

#include <string.h>
#include <xlsxwriter.h>

/* Same colours as the HTML page. */
static const lxw_color_t status_colour[PX_DIFF_STATUS_COUNT] = {
    [PX_DIFF_EQUAL] = 0xD9F2D9,   [PX_DIFF_STRONGER] = 0xB7E4F7, [PX_DIFF_WEAKER] = 0xFFE0A3,
    [PX_DIFF_MISSING] = 0xF7C6C6, [PX_DIFF_LOCAL] = 0xEEEEEE,
};

static void
cell_text(struct px_buf *b, const struct px_target_row *r)
{
    char fig[48];
    px_buf_clear(b);
    px_buf_puts(b, px_diff_status_name(r->status));
    if (r->plan)
        px_buf_printf(b, " %s%s %s",
                      r->plan->cmp && !strcmp(r->plan->cmp, ">=")   ? "≥ "
                      : r->plan->cmp && !strcmp(r->plan->cmp, "<=") ? "≤ "
                                                                    : "",
                      px_diff_figure(r->plan, fig), r->plan->unit ? r->plan->unit : "");
}

static void
matrix_sheet(lxw_workbook *wb, const struct px_baseline *bl, const struct px_plan_diff *pd,
             size_t n)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "matrix");
    lxw_format *bold = workbook_add_format(wb), *fmt[PX_DIFF_STATUS_COUNT];
    format_set_bold(bold);
    for (int s = 0; s < PX_DIFF_STATUS_COUNT; s++) {
        fmt[s] = workbook_add_format(wb);
        format_set_bg_color(fmt[s], status_colour[s]);
        format_set_text_wrap(fmt[s]);
    }
    worksheet_write_string(ws, 0, 0, "doc", bold);
    worksheet_write_string(ws, 0, 1, "province", bold);
    for (size_t i = 0; i < bl->ntargets; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)(i + 2), bl->targets[i].id, bold);
    worksheet_freeze_panes(ws, 1, 2);
    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_set_column(ws, 1, 1, 14, NULL);
    worksheet_set_column(ws, 2, (lxw_col_t)(bl->ntargets + 1), 16, NULL);
    struct px_buf b = PX_BUF_INIT;
    lxw_row_t row = 1;
    for (size_t i = 0; i < n; i++, row++) {
        if (!pd[i].implements) {
            row--;
            continue;
        }
        worksheet_write_string(ws, row, 0, pd[i].doc, NULL);
        worksheet_write_string(ws, row, 1, pd[i].province ? pd[i].province : "", NULL);
        for (size_t k = 0; k < pd[i].ntargets && pd[i].targets[k].national; k++) {
            cell_text(&b, &pd[i].targets[k]);
            worksheet_write_string(ws, row, (lxw_col_t)(k + 2), b.ptr,
                                   fmt[pd[i].targets[k].status]);
            if (pd[i].targets[k].plan && pd[i].targets[k].plan->raw)
                worksheet_write_comment(ws, row, (lxw_col_t)(k + 2), pd[i].targets[k].plan->raw);
        }
    }
    px_buf_release(&b);
}

static void
task_sheet(lxw_workbook *wb, const struct px_plan_diff *pd, size_t n)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "tasks");
    static const char *const head[] = {
        "doc", "national task", "text", "plan task", "score", "lead differs", "deadline differs"};
    for (lxw_col_t c = 0; c < 7; c++)
        worksheet_write_string(ws, 0, c, head[c], NULL);
    lxw_row_t row = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < pd[i].ntasks; k++, row++) {
            const struct px_task_row *r = &pd[i].tasks[k];
            worksheet_write_string(ws, row, 0, pd[i].doc, NULL);
            worksheet_write_string(ws, row, 1, r->national->ordinal ? r->national->ordinal : "",
                                   NULL);
            worksheet_write_string(ws, row, 2, r->national->text ? r->national->text : "", NULL);
            worksheet_write_string(ws, row, 3, r->nplan ? r->plan[0]->id : "missing", NULL);
            if (r->nplan)
                worksheet_write_number(ws, row, 4, r->score[0], NULL);
            worksheet_write_boolean(ws, row, 5, r->lead_differs, NULL);
            worksheet_write_boolean(ws, row, 6, r->deadline_differs, NULL);
        }
}

int
px_report_xlsx(const char *path, const struct px_baseline *bl, const struct px_plan_diff *pd,
               size_t n, struct px_diag *dg)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return px_error(dg, "cannot create '%s'", path);
    matrix_sheet(wb, bl, pd, n);
    task_sheet(wb, pd, n);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR)
        return px_error(dg, "cannot write '%s': %s", path, lxw_strerror(e));
    return 0;
}

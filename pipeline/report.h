/*
 * report — the cross-province reports of plans against a baseline:
 * report.html (one self-contained page: no network, no external script or
 * font), report.csv (UTF-8 with BOM) and report.xlsx (libxlsxwriter), each
 * with the matrix plans × national targets.
 *
 * Includes diff.h and diag.h. Used by the CLI command report.
 *
 * Every document string written into HTML is escaped (& < > " '), so a plan
 * quoting markup shows it as text. The page works without script: details
 * open on click, title= shows the plan's words on hover.
 *
 * Ownership: borrows everything it is given; writes files, keeps nothing.
 */
#ifndef PX_REPORT_H
#define PX_REPORT_H

#include "diag.h"
#include "diff.h"

#include <stdio.h>

/* Append s HTML-escaped (& < > " ') to f. */
void px_html_escape(FILE *f, const char *s);

/* Write the HTML page for n plans to f. 0, or -1 when writing failed (reported). */
int px_report_html(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd, size_t n,
                   struct px_diag *dg);

/* Write the matrix as CSV (BOM, CRLF) to f. 0 or -1 (reported). */
int px_report_csv(FILE *f, const struct px_baseline *bl, const struct px_plan_diff *pd, size_t n,
                  struct px_diag *dg);

/* Write the matrix (and a task sheet) as an XLSX workbook at path. 0 or -1 (reported). */
int px_report_xlsx(const char *path, const struct px_baseline *bl, const struct px_plan_diff *pd,
                   size_t n, struct px_diag *dg);

/* Write report.html, report.csv and report.xlsx into dir (created if missing). 0 or -1. */
int px_report_write(const char *dir, const struct px_baseline *bl, const struct px_plan_diff *pd,
                    size_t n, struct px_diag *dg);

#endif

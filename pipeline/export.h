/*
 * export — stored documents back out as the export contract (JSON Lines,
 * spec data-model.md) or as CSV tables for a spreadsheet.
 *
 * Includes store.h and jansson. Used by `planex export`, `planex eval`
 * (which scores the records without a detour through a file) and tests.
 *
 * Records come from the store (px_store_load) and are printed by
 * records_json.h, so `planex parse --dump=records` and `planex export`
 * print the same shape. Order: per document (doc key, then format), the
 * document record, then its tasks in order, then its targets.
 *
 * Ownership: nothing is kept; json records appended to an array are owned
 * by that array.
 */
#ifndef PX_EXPORT_H
#define PX_EXPORT_H

#include "diag.h"
#include "store.h"

#include <jansson.h>
#include <stdio.h>

enum px_export_table {
    PX_EXPORT_TASKS,
    PX_EXPORT_TARGETS,
    PX_EXPORT_DOCUMENTS,
};

/* key: a doc key (or "key.format") or NULL for every document. Each returns
 * 0, or -1 on a database or write failure (reported). */
int px_export_jsonl(FILE *f, struct px_store *st, const char *key, int with_why,
                    struct px_diag *dg);
int px_export_records(struct px_store *st, const char *key, int with_why, json_t *records,
                      struct px_diag *dg);
/* One table as CSV: UTF-8 BOM, a header row, RFC 4180 quoting, CRLF line ends. */
int px_export_csv(FILE *f, struct px_store *st, const char *key, enum px_export_table what,
                  struct px_diag *dg);

#endif

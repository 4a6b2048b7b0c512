/*
 * records_json — the export contract (spec data-model.md) as JSON.
 *
 * Includes doc.h, extract.h and jansson. Used by `planex parse --dump=records`
 * (straight from an extraction) and by `planex export` (records read back
 * from the store), so both print exactly the same shape.
 *
 * Ownership: returned json_t objects are new references; the caller
 * json_decref()s them.
 */
#ifndef PX_RECORDS_JSON_H
#define PX_RECORDS_JSON_H

#include "doc.h"
#include "extract.h"

#include <jansson.h>
#include <stdio.h>

struct px_docmeta {
    const char *doc;    /* stable key: base name without extension */
    const char *path;   /* as ingested */
    const char *sha256; /* hex */
    const char *format; /* "text" | "html" | "docx" */
};

json_t *px_document_json(const struct px_docmeta *m, const struct px_docinfo *info);
json_t *px_task_json(const char *doc, const struct px_task *t, int with_why);
json_t *px_target_json(const char *doc, const struct px_target *t, int with_why);
json_t *px_deadline_json(const struct px_deadline *d);

/* Print the document record, then every task, then every target, one JSON object per line.
 * with_why adds "rule" fields (provenance). Returns 0 or -1 on a write error. */
int px_extraction_write_jsonl(FILE *f, const struct px_docmeta *m, const struct px_extraction *ex,
                              int with_why);

#endif

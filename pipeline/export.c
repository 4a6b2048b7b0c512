/* export — stored documents as JSON Lines or CSV (see export.h). */
#include "export.h"

#include "records_json.h"

#include <string.h>

/* Visit every selected document with its records loaded; stops at the first failure. */
typedef int (*doc_fn)(void *ctx, const struct px_store_doc *d, const struct px_extraction *ex,
                      struct px_diag *dg);

static int
each_doc(struct px_store *st, const char *key, doc_fn fn, void *ctx, struct px_diag *dg)
{
    struct px_arena list = PX_ARENA_INIT;
    struct px_store_doc *docs;
    size_t n;
    int rc = px_store_docs(st, key, &list, &docs, &n, dg);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct px_arena a = PX_ARENA_INIT; /* one document's records at a time */
        struct px_extraction ex;
        rc = px_store_load(st, docs[i].id, &a, &ex, dg);
        if (rc == 0)
            rc = fn(ctx, &docs[i], &ex, dg);
        px_arena_release(&a);
    }
    px_arena_release(&list);
    return rc;
}

static struct px_docmeta
meta_of(const struct px_store_doc *d)
{
    struct px_docmeta m = {d->key, d->path, d->sha256, d->format};
    return m;
}

struct jsonl_ctx {
    FILE *f;
    int with_why;
};

static int
write_doc_jsonl(void *vctx, const struct px_store_doc *d, const struct px_extraction *ex,
                struct px_diag *dg)
{
    struct jsonl_ctx *c = vctx;
    struct px_docmeta m = meta_of(d);
    if (px_extraction_write_jsonl(c->f, &m, ex, c->with_why) < 0)
        return px_error(dg, "cannot write the records of '%s'", d->key);
    return 0;
}

int
px_export_jsonl(FILE *f, struct px_store *st, const char *key, int with_why, struct px_diag *dg)
{
    struct jsonl_ctx c = {f, with_why};
    return each_doc(st, key, write_doc_jsonl, &c, dg);
}

struct records_ctx {
    json_t *records;
    int with_why;
};

static int
add_doc_records(void *vctx, const struct px_store_doc *d, const struct px_extraction *ex,
                struct px_diag *dg)
{
    struct records_ctx *c = vctx;
    struct px_docmeta m = meta_of(d);
    json_array_append_new(c->records, px_document_json(&m, &ex->info));
    for (size_t i = 0; i < ex->ntasks; i++)
        json_array_append_new(c->records, px_task_json(d->key, &ex->tasks[i], c->with_why));
    for (size_t i = 0; i < ex->ntargets; i++)
        json_array_append_new(c->records, px_target_json(d->key, &ex->targets[i], c->with_why));
    return 0;
}

int
px_export_records(struct px_store *st, const char *key, int with_why, json_t *records,
                  struct px_diag *dg)
{
    struct records_ctx c = {records, with_why};
    return each_doc(st, key, add_doc_records, &c, dg);
}

/* ---- CSV --------------------------------------------------------------------------------- */

struct csv {
    FILE *f;
    struct px_buf row;
    size_t nfields;
};

static void
csv_field(struct csv *c, const char *v)
{
    if (c->nfields++)
        px_buf_putc(&c->row, ',');
    if (!v)
        return;
    if (!strpbrk(v, ",\"\r\n") && v[0] != ' ') {
        px_buf_puts(&c->row, v);
        return;
    }
    px_buf_putc(&c->row, '"');
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            px_buf_putc(&c->row, '"');
        px_buf_putc(&c->row, *p);
    }
    px_buf_putc(&c->row, '"');
}

static void
csv_num(struct csv *c, double v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%.15g", v);
    csv_field(c, tmp);
}

static void
csv_int(struct csv *c, long long v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", v);
    csv_field(c, tmp);
}

static void
csv_list(struct csv *c, const struct px_strlist *l)
{
    struct px_buf b = PX_BUF_INIT;
    for (size_t i = 0; l->present && i < l->n; i++)
        px_buf_printf(&b, "%s%s", i ? "; " : "", l->v[i]);
    csv_field(c, l->present ? b.ptr : NULL);
    px_buf_release(&b);
}

static int
csv_end_row(struct csv *c, struct px_diag *dg)
{
    px_buf_puts(&c->row, "\r\n");
    size_t n = fwrite(c->row.ptr, 1, c->row.len, c->f);
    int ok = n == c->row.len;
    px_buf_clear(&c->row);
    c->nfields = 0;
    return ok ? 0 : px_error(dg, "cannot write the CSV output");
}

static int
csv_header(struct csv *c, const char *const *names, struct px_diag *dg)
{
    for (size_t i = 0; names[i]; i++)
        csv_field(c, names[i]);
    return csv_end_row(c, dg);
}

static const char *const task_cols[] = {"doc",
                                        "id",
                                        "origin",
                                        "ordinal",
                                        "text",
                                        "product",
                                        "leads",
                                        "partners",
                                        "deadline_raw",
                                        "deadline_kind",
                                        "deadline_start",
                                        "deadline_end",
                                        "deadline_every",
                                        "line",
                                        NULL};
static const char *const target_cols[] = {"doc",    "task", "metric", "cmp",  "value",
                                          "value2", "unit", "raw",    "line", NULL};
static const char *const document_cols[] = {"doc",    "path",    "sha256",   "format", "kind",
                                            "number", "issuer",  "province", "issued", "implements",
                                            "tasks",  "targets", "baseline", NULL};

static int
csv_tasks(struct csv *c, const struct px_store_doc *d, const struct px_extraction *ex,
          struct px_diag *dg)
{
    for (size_t i = 0; i < ex->ntasks; i++) {
        const struct px_task *t = &ex->tasks[i];
        const struct px_deadline *dl = &t->deadline;
        csv_field(c, d->key), csv_field(c, t->id), csv_field(c, t->origin);
        csv_field(c, t->ordinal), csv_field(c, t->text), csv_field(c, t->product);
        csv_list(c, &t->leads), csv_list(c, &t->partners);
        csv_field(c, dl->present ? dl->raw : NULL);
        csv_field(c, dl->present ? px_deadline_kind_name(dl->kind) : NULL);
        csv_field(c, dl->present && dl->start[0] ? dl->start : NULL);
        csv_field(c, dl->present && dl->end[0] ? dl->end : NULL);
        csv_field(c, dl->present ? dl->every : NULL);
        csv_int(c, t->prov.span.line);
        if (csv_end_row(c, dg) < 0)
            return -1;
    }
    return 0;
}

static int
csv_targets(struct csv *c, const struct px_store_doc *d, const struct px_extraction *ex,
            struct px_diag *dg)
{
    for (size_t i = 0; i < ex->ntargets; i++) {
        const struct px_target *t = &ex->targets[i];
        csv_field(c, d->key), csv_field(c, t->task), csv_field(c, t->metric);
        csv_field(c, t->cmp), csv_num(c, t->value);
        if (t->has_value2)
            csv_num(c, t->value2);
        else
            csv_field(c, NULL);
        csv_field(c, t->unit), csv_field(c, t->raw), csv_int(c, t->prov.span.line);
        if (csv_end_row(c, dg) < 0)
            return -1;
    }
    return 0;
}

static int
csv_document(struct csv *c, const struct px_store_doc *d, const struct px_extraction *ex,
             struct px_diag *dg)
{
    const struct px_docinfo *in = &ex->info;
    csv_field(c, d->key), csv_field(c, d->path), csv_field(c, d->sha256);
    csv_field(c, d->format), csv_field(c, in->kind), csv_field(c, in->number);
    csv_field(c, in->issuer), csv_field(c, in->province);
    csv_field(c, in->issued[0] ? in->issued : NULL);
    csv_list(c, &in->implements);
    csv_int(c, (long long)ex->ntasks), csv_int(c, (long long)ex->ntargets);
    csv_int(c, d->is_baseline);
    return csv_end_row(c, dg);
}

struct csv_ctx {
    struct csv csv;
    enum px_export_table what;
};

static int
write_doc_csv(void *vctx, const struct px_store_doc *d, const struct px_extraction *ex,
              struct px_diag *dg)
{
    struct csv_ctx *c = vctx;
    switch (c->what) {
    case PX_EXPORT_TARGETS:
        return csv_targets(&c->csv, d, ex, dg);
    case PX_EXPORT_DOCUMENTS:
        return csv_document(&c->csv, d, ex, dg);
    default:
        return csv_tasks(&c->csv, d, ex, dg);
    }
}

int
px_export_csv(FILE *f, struct px_store *st, const char *key, enum px_export_table what,
              struct px_diag *dg)
{
    struct csv_ctx c = {{f, PX_BUF_INIT, 0}, what};
    const char *const *cols = what == PX_EXPORT_TARGETS     ? target_cols
                              : what == PX_EXPORT_DOCUMENTS ? document_cols
                                                            : task_cols;
    fputs("\xEF\xBB\xBF", f); /* the BOM makes Excel read UTF-8 */
    int rc = csv_header(&c.csv, cols, dg);
    if (rc == 0)
        rc = each_doc(st, key, write_doc_csv, &c, dg);
    px_buf_release(&c.csv.row);
    return rc;
}

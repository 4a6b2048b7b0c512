/* diff_store — read baselines and plans from the store for the diff (see diff.h). */
#include "diff.h"

#include "buf.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
db_fail(struct px_store *st, struct px_diag *dg, const char *what)
{
    return px_error(dg, "cannot read the %s: %s", what, sqlite3_errmsg(px_store_db(st)));
}

/* The number a baseline stands for: baseline_for when set, else its own number. */
static const char *
baseline_number(const struct px_store_doc *d)
{
    return d->baseline_for ? d->baseline_for : d->number;
}

int
px_baseline_list(struct px_store *st, struct px_arena *a, struct px_store_doc **docs, size_t *n,
                 struct px_diag *dg)
{
    struct px_store_doc *all;
    size_t nall;
    if (px_store_docs(st, NULL, a, &all, &nall, dg) != 0)
        return -1;
    struct px_store_doc *v = px_arena_calloc(a, nall + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < nall; i++)
        if (all[i].is_baseline && baseline_number(&all[i]))
            v[k++] = all[i];
    *docs = v;
    *n = k;
    return 0;
}

/* A code cell: 1-4 capital letters then 1-3 digits ("N1", "CT12"). */
static int
is_code(const char *s)
{
    size_t i = 0, letters = 0, digits = 0;
    while (s[i] >= 'A' && s[i] <= 'Z')
        i++, letters++;
    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    return s[i] == '\0' && letters >= 1 && letters <= 4 && digits >= 1 && digits <= 3;
}

/* The code cell of the table row at this source line, arena copy, or NULL. */
static const char *
row_code(struct px_store *st, sqlite3_stmt *q, int64_t doc_id, uint32_t line, struct px_arena *a)
{
    (void)st;
    const char *code = NULL;
    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, doc_id);
    sqlite3_bind_int64(q, 2, line);
    while (!code && sqlite3_step(q) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        if (t && is_code(t))
            code = px_arena_strdup(a, t);
    }
    return code;
}

/* Highest number of the codes given so far ("N11" → 11), to continue after. */
static long
code_number(const char *code)
{
    while (*code && (*code < '0' || *code > '9'))
        code++;
    return strtol(code, NULL, 10);
}

static int
metric_taken(const struct px_national *v, size_t n, const char *metric)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].t->metric, metric))
            return 1;
    return 0;
}

/*
 * National ids: the code cell of each target's row; targets without one get
 * N<k> after the highest code, one per metric. The first statement of a
 * metric wins.
 */
static int
national_ids(struct px_store *st, struct px_baseline *bl, struct px_arena *a, struct px_diag *dg)
{
    static const char sql[] =
        "SELECT c.text FROM cells c JOIN table_rows r ON c.row_id = r.id"
        " JOIN blocks b ON b.id = r.block_id WHERE b.doc_id = ?1 AND r.line = ?2 ORDER BY c.ord";
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(px_store_db(st), sql, -1, &q, NULL) != SQLITE_OK)
        return db_fail(st, dg, "baseline table rows");
    size_t n = bl->ex.ntargets;
    const char **codes = px_arena_calloc(a, n + 1, sizeof *codes);
    long top = 0;
    for (size_t i = 0; i < n; i++) {
        codes[i] = row_code(st, q, bl->doc_id, bl->ex.targets[i].prov.span.line, a);
        if (codes[i] && code_number(codes[i]) > top)
            top = code_number(codes[i]);
    }
    sqlite3_finalize(q);
    bl->targets = px_arena_calloc(a, n + 1, sizeof *bl->targets);
    for (int pass = 0; pass < 2; pass++) /* coded targets first, so they claim their metric */
        for (size_t i = 0; i < n; i++) {
            const struct px_target *t = &bl->ex.targets[i];
            if ((pass == 0) != (codes[i] != NULL) || !t->metric ||
                metric_taken(bl->targets, bl->ntargets, t->metric))
                continue;
            const char *id = codes[i];
            if (!id) {
                char buf[24];
                snprintf(buf, sizeof buf, "N%ld", ++top);
                id = px_arena_strdup(a, buf);
            }
            bl->targets[bl->ntargets++] = (struct px_national){id, t};
        }
    return 0;
}

int
px_baseline_load(struct px_store *st, const char *number, struct px_arena *a,
                 struct px_baseline *out, struct px_diag *dg)
{
    struct px_store_doc *docs;
    size_t n;
    if (px_baseline_list(st, a, &docs, &n, dg) != 0)
        return -1;
    const struct px_store_doc *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        if (number && strcmp(baseline_number(&docs[i]), number) != 0)
            continue;
        if (!number && pick && strcmp(baseline_number(pick), baseline_number(&docs[i])) != 0)
            return 0; /* several baselines and none asked for */
        /* The newest ingest replaces a reconstruction once the official text is in. */
        if (!pick || strcmp(docs[i].ingested_at, pick->ingested_at) >= 0)
            pick = &docs[i];
    }
    if (!pick)
        return 0;
    memset(out, 0, sizeof *out);
    out->doc_id = pick->id;
    out->key = pick->key;
    out->path = pick->path;
    out->number = baseline_number(pick);
    if (px_store_load(st, pick->id, a, &out->ex, dg) != 0)
        return -1;
    return national_ids(st, out, a, dg) == 0 ? 1 : -1;
}

int
px_doc_implements(struct px_store *st, int64_t doc_id, const char *number, struct px_diag *dg)
{
    static const char sql[] = "SELECT 1 FROM document_implements WHERE doc_id = ?1 AND number = ?2";
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(px_store_db(st), sql, -1, &q, NULL) != SQLITE_OK)
        return db_fail(st, dg, "implemented documents");
    sqlite3_bind_int64(q, 1, doc_id);
    sqlite3_bind_text(q, 2, number, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(st, dg, "implemented documents");
    return rc == SQLITE_ROW;
}

int
px_diff_plan(struct px_diff_ctx *cx, struct px_store *st, const struct px_baseline *bl,
             const struct px_store_doc *doc, struct px_arena *a, struct px_plan_diff *out,
             struct px_diag *dg)
{
    memset(out, 0, sizeof *out);
    out->doc_id = doc->id;
    out->doc = doc->key;
    out->path = doc->path;
    out->number = doc->number;
    out->province = doc->province;
    int imp = px_doc_implements(st, doc->id, bl->number, dg);
    if (imp < 0)
        return -1;
    out->implements = imp;
    if (!imp)
        return 0;
    struct px_extraction ex;
    if (px_store_load(st, doc->id, a, &ex, dg) != 0)
        return -1;
    px_diff_targets(bl->targets, bl->ntargets, ex.targets, ex.ntargets, a, &out->targets,
                    &out->ntargets);
    px_diff_tasks(cx, bl->ex.tasks, bl->ex.ntasks, ex.tasks, ex.ntasks, a, &out->tasks,
                  &out->ntasks);
    return 0;
}

int
px_diff_format_rank(const char *f)
{
    return !strcmp(f, "text") ? 0 : !strcmp(f, "docx") ? 1 : 2;
}

static int
same_text(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

int
px_diff_select(struct px_store *st, const struct px_baseline *bl, const char *province,
               struct px_arena *a, struct px_store_doc **docs, size_t *n, struct px_diag *dg)
{
    struct px_store_doc *all;
    size_t nall;
    if (px_store_docs(st, NULL, a, &all, &nall, dg) != 0)
        return -1;
    struct px_store_doc *v = px_arena_calloc(a, nall + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < nall; i++) {
        if (all[i].is_baseline || (province && !same_text(all[i].province, province)))
            continue;
        int imp = px_doc_implements(st, all[i].id, bl->number, dg);
        if (imp < 0)
            return -1;
        if (!imp)
            continue;
        if (k > 0 && !strcmp(v[k - 1].key, all[i].key)) {
            if (px_diff_format_rank(all[i].format) < px_diff_format_rank(v[k - 1].format))
                v[k - 1] = all[i];
            continue;
        }
        v[k++] = all[i];
    }
    *docs = v;
    *n = k;
    return 0;
}

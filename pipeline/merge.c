/* merge — shard databases into one (see merge.h). */
#include "merge.h"

#include "reload.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Row-id spaces that are shifted: documents, blocks, table rows, tasks, targets. */
enum space { SP_NONE, SP_DOC, SP_BLOCK, SP_ROW, SP_TASK, SP_TARGET, SP_COUNT };

struct idcol {
    const char *col;
    enum space sp;
};

/* Every table of a document, parents first, with its id columns and which
 * source rows belong to the picked documents (temp table pick(id)). An
 * optional table came later than schema 1: a shard without it has nothing
 * to copy (documents without offset maps, digests or extraction state are
 * still valid: their next reextraction runs every stage). */
struct table {
    const char *name;
    struct idcol ids[2];
    const char *where;
    int optional;
};

static const struct table tables[] = {
    {"documents", {{"id", SP_DOC}}, "id IN (SELECT id FROM pick)", 0},
    {"document_implements", {{"doc_id", SP_DOC}}, "doc_id IN (SELECT id FROM pick)", 0},
    {"facts", {{"doc_id", SP_DOC}}, "doc_id IN (SELECT id FROM pick)", 0},
    {"blocks", {{"id", SP_BLOCK}, {"doc_id", SP_DOC}}, "doc_id IN (SELECT id FROM pick)", 0},
    {"table_rows",
     {{"id", SP_ROW}, {"block_id", SP_BLOCK}},
     "block_id IN (SELECT id FROM src.blocks WHERE doc_id IN (SELECT id FROM pick))",
     0},
    {"cells",
     {{"row_id", SP_ROW}},
     "row_id IN (SELECT r.id FROM src.table_rows r JOIN src.blocks b ON b.id = r.block_id"
     " WHERE b.doc_id IN (SELECT id FROM pick))",
     0},
    {"tasks", {{"id", SP_TASK}, {"doc_id", SP_DOC}}, "doc_id IN (SELECT id FROM pick)", 0},
    {"task_agencies",
     {{"task_id", SP_TASK}},
     "task_id IN (SELECT id FROM src.tasks WHERE doc_id IN (SELECT id FROM pick))",
     0},
    {"targets", {{"id", SP_TARGET}, {"doc_id", SP_DOC}}, "doc_id IN (SELECT id FROM pick)", 0},
    {"block_maps", {{"doc_id", SP_DOC}}, "doc_id IN (SELECT id FROM pick)", 1},
    {"extraction_digests", {{"doc_id", SP_DOC}}, "doc_id IN (SELECT id FROM pick)", 1},
    {"extraction_state", {{"doc_id", SP_DOC}}, "doc_id IN (SELECT id FROM pick)", 1},
};

static const char *const space_table[SP_COUNT] = {
    [SP_DOC] = "documents", [SP_BLOCK] = "blocks",   [SP_ROW] = "table_rows",
    [SP_TASK] = "tasks",    [SP_TARGET] = "targets",
};

static int
fail(sqlite3 *db, struct px_diag *dg, const char *in, const char *what)
{
    return px_error(dg, "merge '%s': %s: %s", in, what, sqlite3_errmsg(db));
}

static int
exec(sqlite3 *db, const char *sql, struct px_diag *dg, const char *in, const char *what)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    return fail(db, dg, in, what);
}

/* One integer from a query (0 for NULL or no row); -1 on failure. */
static int
query_int(sqlite3 *db, const char *sql, int64_t *v)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(s);
    *v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static enum space
space_of(const struct table *t, const char *col)
{
    for (size_t i = 0; i < 2 && t->ids[i].col; i++)
        if (!strcmp(t->ids[i].col, col))
            return t->ids[i].sp;
    return SP_NONE;
}

/* INSERT INTO main.T(cols) SELECT cols (ids shifted) FROM src.T WHERE ...: the
 * column list is the output's, read from the schema, so no column is forgotten. */
static int
copy_sql(sqlite3 *db, const struct table *t, const int64_t off[SP_COUNT], struct px_buf *sql)
{
    struct px_buf cols = PX_BUF_INIT, sel = PX_BUF_INIT;
    sqlite3_stmt *s;
    struct px_buf q = PX_BUF_INIT;
    px_buf_printf(&q, "SELECT name FROM pragma_table_info('%s', 'main')", t->name);
    int rc = sqlite3_prepare_v2(db, q.ptr, -1, &s, NULL);
    px_buf_release(&q);
    if (rc != SQLITE_OK)
        return -1;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(s, 0);
        enum space sp = space_of(t, c);
        px_buf_printf(&cols, "%s\"%s\"", cols.len ? ", " : "", c);
        if (sp == SP_NONE)
            px_buf_printf(&sel, "%s\"%s\"", sel.len ? ", " : "", c);
        else
            px_buf_printf(&sel, "%s\"%s\" + %lld", sel.len ? ", " : "", c, (long long)off[sp]);
    }
    sqlite3_finalize(s);
    px_buf_clear(sql);
    px_buf_printf(sql,
                  "INSERT INTO main.\"%s\"(%s) SELECT %s FROM src.\"%s\" WHERE %s ORDER BY rowid",
                  t->name, cols.ptr, sel.ptr, t->name, t->where);
    px_buf_release(&cols);
    px_buf_release(&sel);
    return 0;
}

/* Schema 1 differs from 2 only by a table that may be missing (struct table.optional). */
static int
check_schema(sqlite3 *db, const char *in, struct px_diag *dg)
{
    int64_t v;
    if (query_int(db, "PRAGMA src.user_version", &v) < 0)
        return fail(db, dg, in, "cannot read the schema version");
    if (v < 1 || v > PX_STORE_SCHEMA)
        return px_error(dg, "merge '%s': schema version %lld, expected 1 to %d (ingest it again)",
                        in, (long long)v, PX_STORE_SCHEMA);
    return 0;
}

/* 1 when the shard has table name, 0 when not, -1 on failure. */
static int
src_has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM src.sqlite_master WHERE name = ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    int has = rc == SQLITE_ROW && sqlite3_column_int64(s, 0) > 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? has : -1;
}

/* Pick the input's documents whose content is new; drop the output's older versions. */
static int
pick_documents(sqlite3 *db, const char *in, struct px_merge_stats *stats, struct px_diag *dg)
{
    int64_t total, picked, replaced;
    if (exec(db,
             "DROP TABLE IF EXISTS temp.pick;"
             "CREATE TEMP TABLE pick(id INTEGER PRIMARY KEY);"
             "INSERT INTO pick SELECT id FROM src.documents"
             " WHERE sha256 NOT IN (SELECT sha256 FROM main.documents)",
             dg, in, "cannot choose documents") < 0 ||
        query_int(db, "SELECT count(*) FROM src.documents", &total) < 0 ||
        query_int(db, "SELECT count(*) FROM pick", &picked) < 0 ||
        query_int(db,
                  "SELECT count(*) FROM main.documents m JOIN src.documents s"
                  " ON s.doc_key = m.doc_key AND s.format = m.format"
                  " WHERE s.id IN (SELECT id FROM pick)",
                  &replaced) < 0)
        return fail(db, dg, in, "cannot choose documents");
    stats->duplicates += (size_t)(total - picked);
    stats->replaced += (size_t)replaced;
    stats->added += (size_t)(picked - replaced);
    /* Children go with their document (ON DELETE CASCADE). */
    return exec(db,
                "DELETE FROM main.documents WHERE id IN (SELECT m.id FROM main.documents m"
                " JOIN src.documents s ON s.doc_key = m.doc_key AND s.format = m.format"
                " WHERE s.id IN (SELECT id FROM pick))",
                dg, in, "cannot replace an older version");
}

static int
copy_tables(sqlite3 *db, const char *in, struct px_diag *dg)
{
    int64_t off[SP_COUNT] = {0};
    for (int sp = SP_DOC; sp < SP_COUNT; sp++) {
        struct px_buf q = PX_BUF_INIT;
        px_buf_printf(&q, "SELECT max(id) FROM main.\"%s\"", space_table[sp]);
        int rc = query_int(db, q.ptr, &off[sp]);
        px_buf_release(&q);
        if (rc < 0)
            return fail(db, dg, in, "cannot read row ids");
    }
    struct px_buf sql = PX_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof tables / sizeof tables[0]; i++) {
        int has = tables[i].optional ? src_has_table(db, tables[i].name) : 1;
        if (has == 0)
            continue;
        if (has < 0 || copy_sql(db, &tables[i], off, &sql) < 0)
            rc = fail(db, dg, in, "cannot read the schema");
        else
            rc = exec(db, sql.ptr, dg, in, "cannot copy rows");
    }
    px_buf_release(&sql);
    return rc;
}

static int
merge_attached(sqlite3 *db, const char *in, struct px_merge_stats *stats, struct px_diag *dg)
{
    if (check_schema(db, in, dg) < 0)
        return -1;
    if (exec(db, "BEGIN IMMEDIATE", dg, in, "cannot begin a transaction") < 0)
        return -1;
    struct px_merge_stats s = {0};
    if (pick_documents(db, in, &s, dg) < 0 || copy_tables(db, in, dg) < 0 ||
        exec(db, "DROP TABLE temp.pick; COMMIT", dg, in, "cannot commit") < 0) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    stats->added += s.added;
    stats->replaced += s.replaced;
    stats->duplicates += s.duplicates;
    return 0;
}

int
px_merge_db(struct px_store *st, const char *in_path, struct px_merge_stats *stats,
            struct px_diag *dg)
{
    sqlite3 *db = px_store_db(st);
    /* The output always has block_maps, so a shard's maps have somewhere to go. */
    struct px_reload *rl = px_reload_new(st, dg);
    if (!rl)
        return -1;
    px_reload_free(rl);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "ATTACH ?1 AS src", -1, &s, NULL) != SQLITE_OK)
        return fail(db, dg, in_path, "cannot attach");
    sqlite3_bind_text(s, 1, in_path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return fail(db, dg, in_path, "cannot open");
    int64_t ndocs;
    if (query_int(db, "SELECT count(*) FROM src.sqlite_master WHERE name = 'documents'", &ndocs) <
            0 ||
        ndocs == 0)
        rc = px_error(dg, "merge '%s': not a planex database", in_path);
    else
        rc = merge_attached(db, in_path, stats, dg);
    sqlite3_exec(db, "DETACH src", NULL, NULL, NULL);
    return rc;
}

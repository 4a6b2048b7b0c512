/* reload — stored documents back as block streams; extraction replaced (see reload.h). */
#include "reload.h"

#include "store_internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const char maps_sql[] =
    "CREATE TABLE IF NOT EXISTS block_maps("
    " doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
    " maps BLOB NOT NULL)";

/*
 * ---- offset maps as one blob -------------------------------------------------------------
 *
 * A version byte, then per map (blocks in order, a table's cells after their block) a
 * count and the points, delta-coded because a Vietnamese text has a checkpoint at nearly
 * every accented letter: per point one varint (text delta << 1 | line changed), the
 * zigzag distance of src from where a verbatim copy would put it (usually 0 or ±1), and
 * the zigzag line delta when it changed. About 3.5 bytes a point, 2.5 times less than
 * plain varints.
 */
#define MAPS_VERSION 1

static uint64_t
zigzag(int64_t v)
{
    uint64_t u = (uint64_t)v;
    return (u << 1) ^ (0 - (u >> 63)); /* the sign bit spread over all bits: no signed shift */
}

static int64_t
unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void
put_map(struct px_buf *b, const struct px_offmap *m)
{
    uint64_t text = 0, src = 0, line = 0;
    px_buf_put_varint(b, m->n);
    for (size_t i = 0; i < m->n; i++) {
        const struct px_offmap_point *pt = &m->pts[i];
        uint64_t dt = pt->text - text; /* sorted by text: never negative */
        int line_changed = pt->line != line;
        px_buf_put_varint(b, dt << 1 | (uint64_t)line_changed);
        px_buf_put_varint(b, zigzag((int64_t)(pt->src - (src + dt))));
        if (line_changed)
            px_buf_put_varint(b, zigzag((int64_t)pt->line - (int64_t)line));
        text = pt->text;
        src = pt->src;
        line = pt->line;
    }
}

/* Blocks in order; a table's cells follow their block, row by row. */
void
px_maps_encode(const struct px_doc *doc, struct px_buf *b)
{
    px_buf_putc(b, MAPS_VERSION);
    for (size_t i = 0; i < doc->nblocks; i++) {
        const struct px_block *blk = &doc->blocks[i];
        put_map(b, &blk->map);
        for (size_t r = 0; blk->table && r < blk->table->nrows; r++)
            for (size_t c = 0; c < blk->table->rows[r].ncells; c++)
                put_map(b, &blk->table->rows[r].cells[c].map);
    }
}

/* A statement on block_maps; the table is created on first use, so a database of any age
 * takes maps. NULL when it cannot be prepared (sqlite3_errmsg says why). */
static sqlite3_stmt *
maps_stmt(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK &&
        (sqlite3_exec(db, maps_sql, NULL, NULL, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK))
        return NULL;
    return s;
}

/* Step s once and finalize it: 0, or -1 reported as failing to do what. */
static int
maps_run(sqlite3 *db, sqlite3_stmt *s, struct px_diag *dg, const char *what)
{
    int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return px_error(dg, "database: cannot %s: %s", what, sqlite3_errmsg(db));
    return 0;
}

int
px_maps_put(struct px_store *st, int64_t doc_id, const struct px_buf *blob, struct px_diag *dg)
{
    sqlite3 *db = px_store_db(st);
    sqlite3_stmt *s =
        maps_stmt(db, "INSERT OR REPLACE INTO block_maps(doc_id, maps) VALUES(?1, ?2)");
    if (s) {
        sqlite3_bind_int64(s, 1, doc_id);
        sqlite3_bind_blob(s, 2, blob->ptr, (int)blob->len, SQLITE_STATIC);
    }
    return maps_run(db, s, dg, "store offset maps");
}

int
px_maps_drop(struct px_store *st, int64_t doc_id, struct px_diag *dg)
{
    sqlite3 *db = px_store_db(st);
    sqlite3_stmt *s = maps_stmt(db, "DELETE FROM block_maps WHERE doc_id = ?1");
    if (s)
        sqlite3_bind_int64(s, 1, doc_id);
    return maps_run(db, s, dg, "drop offset maps");
}

/* The map sized once from its count (a point takes at least two bytes: a count larger than
 * what is left of the blob is corrupt), instead of doubling it point by point. */
static void
get_map(struct px_varint_reader *c, struct px_doc *doc, struct px_offmap *m)
{
    uint64_t n = px_varint_get(c), text = 0, src = 0, line = 0;
    if (c->bad || n > (uint64_t)(c->end - c->p) / 2) {
        c->bad = 1;
        return;
    }
    if (m->n == 0 && n > m->cap) { /* a fresh map: nothing to copy or zero */
        m->pts = px_arena_alloc(&doc->arena, (size_t)n * sizeof *m->pts);
        m->cap = (size_t)n;
    }
    for (uint64_t i = 0; i < n && !c->bad; i++) {
        uint64_t head = px_varint_get(c), dt = head >> 1;
        src = src + dt + (uint64_t)unzigzag(px_varint_get(c));
        if (head & 1)
            line = (uint64_t)((int64_t)line + unzigzag(px_varint_get(c)));
        text += dt;
        if (c->bad)
            break;
        if (m->n < m->cap) /* sized above: append in place */
            m->pts[m->n++] = (struct px_offmap_point){(uint32_t)text, src, (uint32_t)line};
        else
            px_offmap_add(doc, m, (size_t)text, src, (uint32_t)line);
    }
}

static int
decode_maps(struct px_doc *doc, const void *blob, size_t len)
{
    struct px_varint_reader c = {blob, (const unsigned char *)blob + len, 0};
    if (len == 0 || *c.p++ != MAPS_VERSION)
        return -1;
    for (size_t i = 0; i < doc->nblocks && !c.bad; i++) {
        struct px_block *blk = &doc->blocks[i];
        get_map(&c, doc, &blk->map);
        for (size_t r = 0; blk->table && r < blk->table->nrows; r++)
            for (size_t k = 0; k < blk->table->rows[r].ncells; k++)
                get_map(&c, doc, &blk->table->rows[r].cells[k].map);
    }
    return c.bad || c.p != c.end ? -1 : 0;
}

/* ---- reading a document back ------------------------------------------------------------- */

enum rl_stmt { R_IDS, R_DOC, R_BLOCKS, R_ROWS, R_CELLS, R_MAPS, R_COUNT };

static const char *const rl_sql[R_COUNT] = {
    [R_IDS] = "SELECT id FROM documents WHERE ?1 IS NULL OR doc_key = ?1"
              " OR doc_key || '.' || format = ?1 ORDER BY doc_key, format",
    [R_DOC] = "SELECT path, format, size FROM documents WHERE id = ?1",
    [R_BLOCKS] = "SELECT id, type, level, number, text, flags, line, byte, len, locator"
                 " FROM blocks WHERE doc_id = ?1 ORDER BY ord",
    [R_ROWS] = "SELECT id, header, continuation, line, byte, len FROM table_rows"
               " WHERE block_id = ?1 ORDER BY ord",
    /* In the order of the cells' primary key (row_id, ord): read straight from its index,
     * where one join ordered by (row ord, cell ord) needed a sort per table. */
    [R_CELLS] = "SELECT row_id, text, colspan, rowspan, line, byte, len FROM cells"
                " WHERE row_id IN (SELECT id FROM table_rows WHERE block_id = ?1)"
                " ORDER BY row_id, ord",
    [R_MAPS] = "SELECT maps FROM block_maps WHERE doc_id = ?1",
};

struct px_reload {
    struct px_store *st;
    sqlite3 *db;
    sqlite3_stmt *s[R_COUNT];
};

static int
db_fail(struct px_reload *rl, struct px_diag *dg, const char *what)
{
    return px_error(dg, "database: %s: %s", what, sqlite3_errmsg(rl->db));
}

struct px_reload *
px_reload_new(struct px_store *st, struct px_diag *dg)
{
    struct px_reload *rl = px_xcalloc(1, sizeof *rl);
    rl->st = st;
    rl->db = px_store_db(st);
    if (sqlite3_exec(rl->db, maps_sql, NULL, NULL, NULL) != SQLITE_OK) {
        db_fail(rl, dg, "cannot create table block_maps");
        px_reload_free(rl);
        return NULL;
    }
    if (px_sql_prepare_all(rl->db, rl_sql, rl->s, R_COUNT) < 0) {
        db_fail(rl, dg, "cannot prepare a statement");
        px_reload_free(rl);
        return NULL;
    }
    return rl;
}

void
px_reload_free(struct px_reload *rl)
{
    if (!rl)
        return;
    px_sql_finalize_all(rl->s, R_COUNT);
    free(rl);
}

static sqlite3_stmt *
stmt(struct px_reload *rl, enum rl_stmt id)
{
    return px_sql_reset(rl->s[id]);
}

static enum px_block_type
block_type(const char *name)
{
    for (int t = PX_BLOCK_HEADING; name && t <= PX_BLOCK_TABLE; t++)
        if (!strcmp(name, px_block_type_name((enum px_block_type)t)))
            return (enum px_block_type)t;
    return PX_BLOCK_PARAGRAPH;
}

/* The rows of a table in order; ids[i] is the id of t->rows[i] (heap-owned, caller frees). */
static int
load_rows(struct px_reload *rl, int64_t block_id, struct px_doc *doc, struct px_table *t,
          int64_t **ids, struct px_diag *dg)
{
    sqlite3_stmt *s = stmt(rl, R_ROWS);
    sqlite3_bind_int64(s, 1, block_id);
    size_t cap = 0;
    int rc;
    *ids = NULL;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct px_row *row = px_table_add_row(doc, t);
        row->header = sqlite3_column_int(s, 1);
        row->continuation = sqlite3_column_int(s, 2);
        row->span = px_sql_col_span(s, 3);
        if (t->nrows > cap) {
            cap = cap ? cap * 2 : 16;
            *ids = px_xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[t->nrows - 1] = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : db_fail(rl, dg, "cannot read a table");
}

/* The index of row id in ids, starting the search at hint (the cells come row by row). */
static size_t
row_index(const int64_t *ids, size_t n, int64_t id, size_t hint)
{
    for (size_t k = 0; k < n; k++) {
        size_t i = (hint + k) % n;
        if (ids[i] == id)
            return i;
    }
    return n;
}

/* A table: its rows (empty ones too), then their cells. */
static int
load_table(struct px_reload *rl, int64_t block_id, struct px_doc *doc, struct px_table *t,
           struct px_diag *dg)
{
    int64_t *ids;
    if (load_rows(rl, block_id, doc, t, &ids, dg) < 0) {
        free(ids);
        return -1;
    }
    sqlite3_stmt *s = stmt(rl, R_CELLS);
    sqlite3_bind_int64(s, 1, block_id);
    size_t at = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        at = row_index(ids, t->nrows, sqlite3_column_int64(s, 0), at);
        if (at == t->nrows)
            continue; /* a cell of no row of this table: not written by the store */
        struct px_row *row = &t->rows[at];
        struct px_cell *c = px_row_add_cell(doc, row, (const char *)sqlite3_column_text(s, 1),
                                            (size_t)sqlite3_column_bytes(s, 1));
        c->colspan = (uint32_t)sqlite3_column_int(s, 2);
        c->rowspan = (uint32_t)sqlite3_column_int(s, 3);
        c->span = px_sql_col_span(s, 4);
        if (row->ncells > t->ncols)
            t->ncols = row->ncells;
    }
    sqlite3_reset(s);
    free(ids);
    return rc == SQLITE_DONE ? 0 : db_fail(rl, dg, "cannot read a table");
}

static void
read_block(sqlite3_stmt *s, struct px_doc *doc, struct px_block *b)
{
    b->level = sqlite3_column_int(s, 2);
    b->number = px_sql_col_str(s, 3, &doc->arena);
    b->text = px_sql_col_str(s, 4, &doc->arena);
    if (!b->text)
        b->text = px_arena_strdup(&doc->arena, "");
    b->flags = (unsigned)sqlite3_column_int(s, 5);
    b->span = px_sql_col_span(s, 6);
    b->locator = px_sql_col_str(s, 9, &doc->arena);
}

/* Blocks first (ids kept aside), then the tables: one cursor open at a time. */
static int
load_blocks(struct px_reload *rl, int64_t doc_id, struct px_doc *doc, struct px_diag *dg)
{
    sqlite3_stmt *s = stmt(rl, R_BLOCKS);
    sqlite3_bind_int64(s, 1, doc_id);
    int64_t *ids = NULL; /* ids[i]: the row of doc->blocks[i] (doc starts empty) */
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct px_block *b =
            px_doc_add_block(doc, block_type((const char *)sqlite3_column_text(s, 1)));
        read_block(s, doc, b);
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            ids = px_xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    int ret = rc == SQLITE_DONE ? 0 : db_fail(rl, dg, "cannot read blocks");
    for (size_t i = 0; ret == 0 && i < n; i++) {
        struct px_block *b = &doc->blocks[i];
        if (b->type != PX_BLOCK_TABLE)
            continue;
        b->table = px_table_new(doc);
        ret = load_table(rl, ids[i], doc, b->table, dg);
    }
    free(ids);
    return ret;
}

static int
load_maps(struct px_reload *rl, int64_t doc_id, struct px_doc *doc, int *has_maps,
          struct px_diag *dg)
{
    sqlite3_stmt *s = stmt(rl, R_MAPS);
    sqlite3_bind_int64(s, 1, doc_id);
    int rc = sqlite3_step(s);
    int ret = 0;
    *has_maps = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW &&
        decode_maps(doc, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0)) < 0)
        ret = px_error(dg, "database: document %lld: offset maps do not fit its blocks",
                       (long long)doc_id);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        ret = db_fail(rl, dg, "cannot read offset maps");
    sqlite3_reset(s);
    return ret;
}

int
px_reload_ids(struct px_reload *rl, const char *key, int64_t **ids, size_t *n, struct px_diag *dg)
{
    sqlite3_stmt *s = stmt(rl, R_IDS);
    if (key)
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc;
    *ids = NULL;
    *n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            *ids = px_xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : db_fail(rl, dg, "cannot list documents");
}

int
px_reload_doc(struct px_reload *rl, int64_t doc_id, struct px_doc *doc, int *has_maps,
              struct px_diag *dg)
{
    sqlite3_stmt *s = stmt(rl, R_DOC);
    sqlite3_bind_int64(s, 1, doc_id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        px_doc_init(doc, NULL, PX_FMT_UNKNOWN, NULL, 0);
        return rc == SQLITE_DONE ? px_error(dg, "database: no document %lld", (long long)doc_id)
                                 : db_fail(rl, dg, "cannot read a document");
    }
    px_doc_init(doc, (const char *)sqlite3_column_text(s, 0),
                px_format_from_name((const char *)sqlite3_column_text(s, 1)), NULL,
                (size_t)sqlite3_column_int64(s, 2));
    sqlite3_reset(s);
    if (load_blocks(rl, doc_id, doc, dg) < 0 || load_maps(rl, doc_id, doc, has_maps, dg) < 0) {
        px_doc_release(doc);
        return -1;
    }
    return 0;
}

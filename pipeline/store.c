/* store — the SQLite database (see store.h for the rules of the house). */
#define _POSIX_C_SOURCE 200809L

#include "store.h"

#include "reload.h"
#include "store_internal.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banned.h"

/* Wait this long for another writer before giving up (two ingests into one file). */
#define BUSY_TIMEOUT_MS 30000

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS documents("
    " id INTEGER PRIMARY KEY, doc_key TEXT NOT NULL, path TEXT NOT NULL,"
    " sha256 TEXT NOT NULL UNIQUE, format TEXT NOT NULL, size INTEGER NOT NULL,"
    " ingested_at TEXT NOT NULL, kind TEXT, number TEXT, issuer TEXT, province TEXT,"
    " issued TEXT, year INTEGER, is_baseline INTEGER NOT NULL DEFAULT 0, baseline_for TEXT,"
    " UNIQUE(doc_key, format));"
    "CREATE TABLE IF NOT EXISTS document_implements("
    " doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    " ord INTEGER NOT NULL, number TEXT NOT NULL, PRIMARY KEY(doc_id, ord));"
    "CREATE TABLE IF NOT EXISTS facts("
    " doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    " field TEXT NOT NULL, rule TEXT, line INTEGER, byte INTEGER, len INTEGER,"
    " PRIMARY KEY(doc_id, field));"
    "CREATE TABLE IF NOT EXISTS blocks("
    " id INTEGER PRIMARY KEY,"
    " doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    " ord INTEGER NOT NULL, type TEXT NOT NULL, level INTEGER, number TEXT, text TEXT,"
    " flags INTEGER, line INTEGER, byte INTEGER, len INTEGER, locator TEXT);"
    "CREATE INDEX IF NOT EXISTS blocks_doc ON blocks(doc_id, ord);"
    "CREATE TABLE IF NOT EXISTS table_rows("
    " id INTEGER PRIMARY KEY,"
    " block_id INTEGER NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,"
    " ord INTEGER NOT NULL, header INTEGER, continuation INTEGER,"
    " line INTEGER, byte INTEGER, len INTEGER);"
    "CREATE INDEX IF NOT EXISTS table_rows_block ON table_rows(block_id, ord);"
    "CREATE TABLE IF NOT EXISTS cells("
    " row_id INTEGER NOT NULL REFERENCES table_rows(id) ON DELETE CASCADE,"
    " ord INTEGER NOT NULL, text TEXT NOT NULL, colspan INTEGER, rowspan INTEGER,"
    " line INTEGER, byte INTEGER, len INTEGER, PRIMARY KEY(row_id, ord));"
    "CREATE TABLE IF NOT EXISTS tasks("
    " id INTEGER PRIMARY KEY,"
    " doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    " ord INTEGER NOT NULL, task_key TEXT NOT NULL, origin TEXT, ordinal TEXT, text TEXT,"
    " product TEXT, section TEXT, deadline_present INTEGER NOT NULL, deadline_raw TEXT,"
    " deadline_kind TEXT, deadline_start TEXT, deadline_end TEXT, deadline_every TEXT,"
    " deadline_rule TEXT, leads_present INTEGER NOT NULL, partners_present INTEGER NOT NULL,"
    " rule TEXT, line INTEGER, byte INTEGER, len INTEGER, UNIQUE(doc_id, ord));"
    "CREATE TABLE IF NOT EXISTS task_agencies("
    " task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL CHECK(role IN ('lead', 'partner')), ord INTEGER NOT NULL,"
    " name TEXT NOT NULL, PRIMARY KEY(task_id, role, ord));"
    "CREATE TABLE IF NOT EXISTS targets("
    " id INTEGER PRIMARY KEY,"
    " doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    " ord INTEGER NOT NULL, task_key TEXT, metric TEXT NOT NULL, cmp TEXT, value REAL,"
    " value2 REAL, unit TEXT, raw TEXT, rule TEXT, line INTEGER, byte INTEGER, len INTEGER,"
    " UNIQUE(doc_id, ord));"
    "CREATE INDEX IF NOT EXISTS targets_metric ON targets(metric);"
    /* Schema 1 indexed tasks by key and agencies by name; no query of planex used them, and
     * keeping them cost 7 % of the store's instructions. */
    "DROP INDEX IF EXISTS tasks_key;"
    "DROP INDEX IF EXISTS task_agencies_name;"
    "CREATE TABLE IF NOT EXISTS extraction_digests("
    " doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
    " info TEXT NOT NULL, tasks TEXT NOT NULL, targets TEXT NOT NULL);"
    /* Schema 3: the fingerprints each extraction was made under and its task map (extract.h),
     * so that a reextraction runs only the stages a rule edit can change. */
    "CREATE TABLE IF NOT EXISTS extraction_state("
    " doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
    " upstream TEXT NOT NULL, whole TEXT NOT NULL, task_map BLOB NOT NULL);";

/* Every statement, prepared once per connection. */
enum stmt_id {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_SAVEPOINT,
    S_RELEASE,
    S_ROLLBACK_TO,
    S_GET_DIGEST,
    S_PUT_DIGEST,
    S_GET_STATE,
    S_PUT_STATE,
    S_HAS_SHA,
    S_FIND_KEY,
    S_DEL_CELLS,
    S_DEL_ROWS,
    S_DEL_BLOCKS,
    S_DEL_DIGESTS,
    S_DEL_STATE,
    S_DEL_DOC,
    S_INS_DOC,
    S_INS_IMPL,
    S_INS_FACT,
    S_INS_BLOCK, /* each group's inserts of 1, GROUP_SOME and GROUP_ROWS rows, in turn */
    S_INS_BLOCK_SOME,
    S_INS_BLOCK_ALL,
    S_INS_ROW,
    S_INS_ROW_SOME,
    S_INS_ROW_ALL,
    S_INS_CELL,
    S_INS_CELL_SOME,
    S_INS_CELL_ALL,
    S_INS_TASK,
    S_INS_TASK_SOME,
    S_INS_TASK_ALL,
    S_INS_AGENCY,
    S_INS_AGENCY_SOME,
    S_INS_AGENCY_ALL,
    S_INS_TARGET,
    S_INS_TARGET_SOME,
    S_INS_TARGET_ALL,
    S_MAX_BLOCK,
    S_MAX_ROW,
    S_MAX_TASK,
    S_MARK_BASELINE,
    S_UPD_DOC,
    S_DEL_IMPL,
    S_DEL_FACTS,
    S_DEL_AGENCIES,
    S_DEL_TASKS,
    S_DEL_TARGETS,
    S_GET_DOC,
    S_GET_IMPL,
    S_GET_FACTS,
    S_GET_TASKS,
    S_GET_AGENCIES,
    S_GET_TARGETS,
    S_COUNT
};

/*
 * The rows of the numerous tables are written GROUP_ROWS at a time by one multi-row
 * insert: a statement's fixed costs (its cursors, halt and reset), paid per row, were a
 * quarter of the writer's instructions. Parents get their ids from next_id(), not from
 * their insert, so that their children need not wait for it. What is left over at the end of
 * a document goes GROUP_SOME at a time, then one by one. GROUPS(head, r) is the three
 * inserts: head (up to VALUES) and 1, GROUP_SOME and GROUP_ROWS copies of the row r.
 */
#define GROUP_ROWS 16
#define GROUP_SOME 4
#define REP4(r) r "," r "," r "," r
#define REP16(r) REP4(r) "," REP4(r) "," REP4(r) "," REP4(r)
#define GROUPS(head, r) head r, head REP4(r), head REP16(r)

#define INS_BLOCK                                                                                  \
    "INSERT INTO blocks(id, doc_id, ord, type, level, number, text, flags, line, byte, len,"       \
    " locator) VALUES"
#define INS_ROW                                                                                    \
    "INSERT INTO table_rows(id, block_id, ord, header, continuation, line, byte, len) VALUES"
#define INS_CELL "INSERT INTO cells(row_id, ord, text, colspan, rowspan, line, byte, len) VALUES"
#define INS_TASK                                                                                   \
    "INSERT INTO tasks(id, doc_id, ord, task_key, origin, ordinal, text, product, section,"        \
    " deadline_present, deadline_raw, deadline_kind, deadline_start, deadline_end,"                \
    " deadline_every, deadline_rule, leads_present, partners_present, rule, line, byte, len)"      \
    " VALUES"
#define INS_AGENCY "INSERT INTO task_agencies(task_id, role, ord, name) VALUES"
#define INS_TARGET                                                                                 \
    "INSERT INTO targets(doc_id, ord, task_key, metric, cmp, value, value2, unit, raw, rule,"      \
    " line, byte, len) VALUES"

static const char *const stmt_sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT px_doc",
    [S_RELEASE] = "RELEASE px_doc",
    [S_ROLLBACK_TO] = "ROLLBACK TO px_doc",
    [S_GET_DIGEST] = "SELECT info, tasks, targets FROM extraction_digests WHERE doc_id = ?1",
    [S_PUT_DIGEST] = "INSERT OR REPLACE INTO extraction_digests(doc_id, info, tasks, targets)"
                     " VALUES(?1, ?2, ?3, ?4)",
    [S_GET_STATE] = "SELECT upstream, whole, task_map FROM extraction_state WHERE doc_id = ?1",
    [S_PUT_STATE] = "INSERT OR REPLACE INTO extraction_state(doc_id, upstream, whole, task_map)"
                    " VALUES(?1, ?2, ?3, ?4)",
    [S_HAS_SHA] = "SELECT 1 FROM documents WHERE sha256 = ?1",
    [S_FIND_KEY] = "SELECT id FROM documents WHERE doc_key = ?1 AND format = ?2",
    [S_DEL_CELLS] = "DELETE FROM cells WHERE row_id IN (SELECT id FROM table_rows"
                    " WHERE block_id IN (SELECT id FROM blocks WHERE doc_id = ?1))",
    [S_DEL_ROWS] = "DELETE FROM table_rows WHERE block_id IN"
                   " (SELECT id FROM blocks WHERE doc_id = ?1)",
    [S_DEL_BLOCKS] = "DELETE FROM blocks WHERE doc_id = ?1",
    [S_DEL_DIGESTS] = "DELETE FROM extraction_digests WHERE doc_id = ?1",
    [S_DEL_STATE] = "DELETE FROM extraction_state WHERE doc_id = ?1",
    [S_DEL_DOC] = "DELETE FROM documents WHERE id = ?1",
    [S_INS_DOC] = "INSERT INTO documents(doc_key, path, sha256, format, size, ingested_at,"
                  " kind, number, issuer, province, issued, year)"
                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [S_INS_IMPL] = "INSERT INTO document_implements(doc_id, ord, number) VALUES(?1, ?2, ?3)",
    [S_INS_FACT] = "INSERT INTO facts(doc_id, field, rule, line, byte, len)"
                   " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [S_INS_BLOCK] = GROUPS(INS_BLOCK, "(?,?,?,?,?,?,?,?,?,?,?,?)"),
    [S_INS_ROW] = GROUPS(INS_ROW, "(?,?,?,?,?,?,?,?)"),
    [S_INS_CELL] = GROUPS(INS_CELL, "(?,?,?,?,?,?,?,?)"),
    [S_INS_TASK] = GROUPS(INS_TASK, "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
    [S_INS_AGENCY] = GROUPS(INS_AGENCY, "(?,?,?,?)"),
    [S_INS_TARGET] = GROUPS(INS_TARGET, "(?,?,?,?,?,?,?,?,?,?,?,?,?)"),
    [S_MAX_BLOCK] = "SELECT max(id) FROM blocks",
    [S_MAX_ROW] = "SELECT max(id) FROM table_rows",
    [S_MAX_TASK] = "SELECT max(id) FROM tasks",
    [S_MARK_BASELINE] = "UPDATE documents SET is_baseline = 1 WHERE sha256 = ?1",
    [S_UPD_DOC] = "UPDATE documents SET kind = ?2, number = ?3, issuer = ?4, province = ?5,"
                  " issued = ?6, year = ?7 WHERE id = ?1",
    [S_DEL_IMPL] = "DELETE FROM document_implements WHERE doc_id = ?1",
    [S_DEL_FACTS] = "DELETE FROM facts WHERE doc_id = ?1",
    [S_DEL_AGENCIES] = "DELETE FROM task_agencies WHERE task_id IN"
                       " (SELECT id FROM tasks WHERE doc_id = ?1)",
    [S_DEL_TASKS] = "DELETE FROM tasks WHERE doc_id = ?1",
    [S_DEL_TARGETS] = "DELETE FROM targets WHERE doc_id = ?1",
    [S_GET_DOC] = "SELECT kind, number, issuer, province, issued, year FROM documents"
                  " WHERE id = ?1",
    [S_GET_IMPL] = "SELECT number FROM document_implements WHERE doc_id = ?1 ORDER BY ord",
    [S_GET_FACTS] = "SELECT field, rule, line, byte, len FROM facts WHERE doc_id = ?1",
    [S_GET_TASKS] = "SELECT id, task_key, origin, ordinal, text, product, section,"
                    " deadline_present, deadline_raw, deadline_kind, deadline_start,"
                    " deadline_end, deadline_every, deadline_rule, leads_present,"
                    " partners_present, rule, line, byte, len FROM tasks WHERE doc_id = ?1"
                    " ORDER BY ord",
    [S_GET_AGENCIES] = "SELECT role, name FROM task_agencies WHERE task_id = ?1"
                       " ORDER BY role, ord",
    [S_GET_TARGETS] = "SELECT task_key, metric, cmp, value, value2, unit, raw, rule, line,"
                      " byte, len FROM targets WHERE doc_id = ?1 ORDER BY ord",
};

/* The tables written by groups of rows, parents before children. */
enum group_id { G_BLOCK, G_ROW, G_CELL, G_TASK, G_AGENCY, G_TARGET, G_COUNT };

/* A row waiting for its group's insert; what it points to lives until the store call ends. */
struct pending {
    int64_t id;    /* the row's own id, for blocks, table rows and tasks */
    int64_t owner; /* the parent row's id */
    size_t ord;
    const void *item; /* the block, row, cell, task, agency name or target */
    const char *role; /* an agency's */
};

struct group {
    size_t n;
    struct pending row[GROUP_ROWS];
};

struct px_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmt[S_COUNT];
    struct group group[G_COUNT];
    int in_batch; /* px_store_batch_begin() opened the transaction: documents are savepoints */
    struct timespec batch_start;
};

static const char *const fact_names[PX_FACT_COUNT] = {
    [PX_FACT_KIND] = "kind",     [PX_FACT_NUMBER] = "number",
    [PX_FACT_ISSUER] = "issuer", [PX_FACT_PROVINCE] = "province",
    [PX_FACT_ISSUED] = "issued", [PX_FACT_IMPLEMENTS] = "implements",
};

static int
db_fail(struct px_store *st, struct px_diag *dg, const char *what)
{
    return px_error(dg, "database '%s': %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

/* ---- shared with reload.c (store_internal.h) ---------------------------------------------- */

sqlite3_stmt *
px_sql_reset(sqlite3_stmt *s)
{
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

int
px_sql_prepare_all(sqlite3 *db, const char *const *sql, sqlite3_stmt **out, int n)
{
    for (int i = 0; i < n; i++)
        if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &out[i], NULL) !=
            SQLITE_OK)
            return -1;
    return 0;
}

void
px_sql_finalize_all(sqlite3_stmt **s, int n)
{
    for (int i = 0; i < n; i++)
        sqlite3_finalize(s[i]);
}

char *
px_sql_col_str(sqlite3_stmt *s, int i, struct px_arena *a)
{
    const unsigned char *v = sqlite3_column_text(s, i);
    if (!v)
        return NULL;
    return px_arena_strndup(a, (const char *)v, (size_t)sqlite3_column_bytes(s, i));
}

struct px_span
px_sql_col_span(sqlite3_stmt *s, int first)
{
    struct px_span sp = {(uint32_t)sqlite3_column_int64(s, first),
                         (uint64_t)sqlite3_column_int64(s, first + 1),
                         (uint64_t)sqlite3_column_int64(s, first + 2)};
    return sp;
}

/* Reset and rebind from scratch: the statement is ready for its next row. */
static sqlite3_stmt *
stmt_get(struct px_store *st, enum stmt_id id)
{
    return px_sql_reset(st->stmt[id]);
}

/* The statement with ?1 bound to the id of the row it reads or writes under (its owner). */
static sqlite3_stmt *
stmt_for(struct px_store *st, enum stmt_id id, int64_t owner)
{
    sqlite3_stmt *s = stmt_get(st, id);
    sqlite3_bind_int64(s, 1, owner);
    return s;
}

/* An insert of the ord-th child of owner: ?1 owner, ?2 ord. */
static sqlite3_stmt *
stmt_child(struct px_store *st, enum stmt_id id, int64_t owner, size_t ord)
{
    sqlite3_stmt *s = stmt_for(st, id, owner);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)ord);
    return s;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* An empty string stands for null in fixed-size date fields. */
static void
bind_date(sqlite3_stmt *s, int i, const char *v)
{
    bind_text(s, i, v && *v ? v : NULL);
}

static void
bind_span(sqlite3_stmt *s, int first, const struct px_span *sp)
{
    sqlite3_bind_int64(s, first, sp->line);
    sqlite3_bind_int64(s, first + 1, (sqlite3_int64)sp->byte);
    sqlite3_bind_int64(s, first + 2, (sqlite3_int64)sp->len);
}

/* The document facts kind, number, issuer, province, issued, year at ?first and on (the
 * insert and the update of a document write them in this order). */
static void
bind_docinfo(sqlite3_stmt *s, int first, const struct px_docinfo *info)
{
    bind_text(s, first, info->kind);
    bind_text(s, first + 1, info->number);
    bind_text(s, first + 2, info->issuer);
    bind_text(s, first + 3, info->province);
    bind_date(s, first + 4, info->issued);
    if (info->year)
        sqlite3_bind_int(s, first + 5, info->year);
}

/* Step a statement that returns no rows. */
static int
run(struct px_store *st, sqlite3_stmt *s, struct px_diag *dg, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_fail(st, dg, what);
    return 0;
}

static int
exec_sql(struct px_store *st, const char *sql, struct px_diag *dg)
{
    char *err = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &err) == SQLITE_OK)
        return 0;
    px_error(dg, "database '%s': %s", st->path, err ? err : sqlite3_errmsg(st->db));
    sqlite3_free(err);
    return -1;
}

static int
user_version(struct px_store *st, int *v, struct px_diag *dg)
{
    sqlite3_stmt *s;
    *v = 0;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return db_fail(st, dg, "cannot read the schema version");
    int rc = sqlite3_step(s);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : db_fail(st, dg, "cannot read the schema version");
}

/* Create the schema once; a concurrent opener waits on BEGIN IMMEDIATE and then sees it. */
static int
ensure_schema(struct px_store *st, struct px_diag *dg)
{
    int v;
    if (user_version(st, &v, dg) < 0)
        return -1;
    if (v == PX_STORE_SCHEMA)
        return 0;
    if (v > PX_STORE_SCHEMA)
        return px_error(dg, "database '%s': schema version %d is newer than this planex (%d)",
                        st->path, v, PX_STORE_SCHEMA);
    if (exec_sql(st, "BEGIN IMMEDIATE", dg) < 0)
        return -1;
    if (exec_sql(st, schema_sql, dg) < 0 ||
        exec_sql(st, "PRAGMA user_version = " STRINGIFY(PX_STORE_SCHEMA), dg) < 0 ||
        exec_sql(st, "COMMIT", dg) < 0) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

static int
prepare_all(struct px_store *st, struct px_diag *dg)
{
    if (px_sql_prepare_all(st->db, stmt_sql, st->stmt, S_COUNT) < 0)
        return db_fail(st, dg, "cannot prepare a statement");
    return 0;
}

/*
 * Switching a new file to WAL needs an exclusive lock, and when another
 * process is opening the same new file at that moment SQLite returns
 * SQLITE_BUSY at once instead of calling the busy handler: wait and retry,
 * for as long as the busy timeout.
 */
static int
set_wal(struct px_store *st, struct px_diag *dg)
{
    enum { STEP_MS = 10 };
    for (int waited = 0;; waited += STEP_MS) {
        int rc = sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) & 0xff;
        if (rc == SQLITE_OK)
            return 0;
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= BUSY_TIMEOUT_MS)
            return db_fail(st, dg, "cannot switch to WAL");
        sqlite3_sleep(STEP_MS);
    }
}

/*
 * Per connection. The savepoint around each document of a batch copies every page it
 * changes first into a sub-journal, a temporary file unless temporary storage is in
 * memory: a write system call per page, more of them than the WAL's. A batch dirties
 * thousands of pages: with the default cache (2 MB) some spill into the WAL before the
 * commit and are read back and written again. 8 MB keeps most of them; 32 MB kept all,
 * but the gain was within the noise and the peak RSS doubled (51 against 24 MB).
 */
static const char connection_pragmas[] = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                                         " PRAGMA temp_store = MEMORY; PRAGMA cache_size = -8192";

/*
 * Memory statistics make every allocation SQLite does take a global mutex
 * (a dozen per inserted row), and planex never reads them. Process-wide: it
 * must precede the first connection, and a later call is refused harmlessly.
 */
static void
sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct px_store *
px_store_open(const char *path, struct px_diag *dg)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_setup);
    struct px_store *st = px_xcalloc(1, sizeof *st);
    st->path = px_xstrdup(path);
    /* A store is used by one thread at a time (the writer's, or one reader's): the
     * connection needs no mutex of its own, which every bind and step would take. */
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        db_fail(st, dg, "cannot open");
        px_store_close(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    if (set_wal(st, dg) < 0 || exec_sql(st, connection_pragmas, dg) < 0 ||
        ensure_schema(st, dg) < 0 || prepare_all(st, dg) < 0) {
        px_store_close(st);
        return NULL;
    }
    return st;
}

void
px_store_close(struct px_store *st)
{
    if (!st)
        return;
    px_sql_finalize_all(st->stmt, S_COUNT);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

struct sqlite3 *
px_store_db(struct px_store *st)
{
    return st->db;
}

int
px_store_has_sha(struct px_store *st, const char *sha256_hex, struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_get(st, S_HAS_SHA);
    bind_text(s, 1, sha256_hex);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return db_fail(st, dg, "cannot look up a checksum");
}

int
px_store_mark_baseline(struct px_store *st, const char *sha256_hex, struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_get(st, S_MARK_BASELINE);
    bind_text(s, 1, sha256_hex);
    return run(st, s, dg, "cannot mark a baseline");
}

/* ---- writing one document ---------------------------------------------------------------- */

/* The first columns of a grouped row: its own id (blocks, table rows, tasks), its parent's
 * id and its place under the parent. Returns the parameter that follows them. */
static int
bind_head(sqlite3_stmt *s, int p, const struct pending *r, int with_id)
{
    if (with_id)
        sqlite3_bind_int64(s, p++, r->id);
    sqlite3_bind_int64(s, p, r->owner);
    sqlite3_bind_int64(s, p + 1, (sqlite3_int64)r->ord);
    return p + 2;
}

/* Bind a pending row's columns from ?p on, every one of them: a group's statement is
 * reused without clearing its bindings. */
static void
bind_block(sqlite3_stmt *s, int p, const struct pending *r)
{
    const struct px_block *b = r->item;
    int q = bind_head(s, p, r, 1);
    bind_text(s, q, px_block_type_name(b->type));
    sqlite3_bind_int(s, q + 1, b->level);
    bind_text(s, q + 2, b->number);
    bind_text(s, q + 3, b->text);
    sqlite3_bind_int(s, q + 4, (int)b->flags);
    bind_span(s, q + 5, &b->span);
    bind_text(s, q + 8, b->locator);
}

static void
bind_row(sqlite3_stmt *s, int p, const struct pending *r)
{
    const struct px_row *row = r->item;
    int q = bind_head(s, p, r, 1);
    sqlite3_bind_int(s, q, row->header != 0);
    sqlite3_bind_int(s, q + 1, row->continuation != 0);
    bind_span(s, q + 2, &row->span);
}

static void
bind_cell(sqlite3_stmt *s, int p, const struct pending *r)
{
    const struct px_cell *c = r->item;
    int q = bind_head(s, p, r, 0);
    bind_text(s, q, c->text ? c->text : "");
    sqlite3_bind_int64(s, q + 1, c->colspan);
    sqlite3_bind_int64(s, q + 2, c->rowspan);
    bind_span(s, q + 3, &c->span);
}

static void
bind_agency(sqlite3_stmt *s, int p, const struct pending *r)
{
    sqlite3_bind_int64(s, p, r->owner);
    bind_text(s, p + 1, r->role);
    sqlite3_bind_int64(s, p + 2, (sqlite3_int64)r->ord);
    bind_text(s, p + 3, r->item);
}

static void
bind_target(sqlite3_stmt *s, int p, const struct pending *r)
{
    const struct px_target *t = r->item;
    int q = bind_head(s, p, r, 0);
    bind_text(s, q, t->task);
    bind_text(s, q + 1, t->metric ? t->metric : "");
    bind_text(s, q + 2, t->cmp);
    sqlite3_bind_double(s, q + 3, t->value);
    if (t->has_value2)
        sqlite3_bind_double(s, q + 4, t->value2);
    else
        sqlite3_bind_null(s, q + 4);
    bind_text(s, q + 5, t->unit);
    bind_text(s, q + 6, t->raw);
    bind_text(s, q + 7, t->prov.rule);
    bind_span(s, q + 8, &t->prov.span);
}

/* A deadline's columns from ?p on, null but the first when there is none. */
static void
bind_deadline(sqlite3_stmt *s, int p, const struct px_deadline *d)
{
    int on = d->present != 0;
    sqlite3_bind_int(s, p, on);
    bind_text(s, p + 1, on ? d->raw : NULL);
    bind_text(s, p + 2, on ? px_deadline_kind_name(d->kind) : NULL);
    bind_date(s, p + 3, on ? d->start : NULL);
    bind_date(s, p + 4, on ? d->end : NULL);
    bind_text(s, p + 5, on ? d->every : NULL);
    bind_text(s, p + 6, on ? d->rule : NULL);
}

static void
bind_task(sqlite3_stmt *s, int p, const struct pending *r)
{
    const struct px_task *t = r->item;
    int q = bind_head(s, p, r, 1);
    bind_text(s, q, t->id ? t->id : "");
    bind_text(s, q + 1, t->origin);
    bind_text(s, q + 2, t->ordinal);
    bind_text(s, q + 3, t->text);
    bind_text(s, q + 4, t->product);
    bind_text(s, q + 5, t->section);
    bind_deadline(s, q + 6, &t->deadline);
    sqlite3_bind_int(s, q + 13, t->leads.present != 0);
    sqlite3_bind_int(s, q + 14, t->partners.present != 0);
    bind_text(s, q + 15, t->prov.rule);
    bind_span(s, q + 16, &t->prov.span);
}

/* The rows of a group's inserts: of group_rows[z] rows is the statement first + z. */
static const size_t group_rows[] = {1, GROUP_SOME, GROUP_ROWS};

static const struct group_kind {
    enum stmt_id first; /* the insert of one row */
    int ncols;
    int parent; /* the group of the rows these refer to, or -1 */
    void (*bind)(sqlite3_stmt *s, int p, const struct pending *r);
    const char *what;
} group_kinds[G_COUNT] = {
    [G_BLOCK] = {S_INS_BLOCK, 12, -1, bind_block, "cannot store a block"},
    [G_ROW] = {S_INS_ROW, 8, G_BLOCK, bind_row, "cannot store a table row"},
    [G_CELL] = {S_INS_CELL, 8, G_ROW, bind_cell, "cannot store a cell"},
    [G_TASK] = {S_INS_TASK, 22, -1, bind_task, "cannot store a task"},
    [G_AGENCY] = {S_INS_AGENCY, 4, G_TASK, bind_agency, "cannot store an agency"},
    [G_TARGET] = {S_INS_TARGET, 13, -1, bind_target, "cannot store a target"},
};

/* Insert the group_rows[z] rows r (every parameter is bound: no clearing). */
static int
insert_rows(struct px_store *st, const struct group_kind *k, const struct pending *r, int z,
            struct px_diag *dg)
{
    sqlite3_stmt *s = st->stmt[k->first + z];
    for (size_t i = 0; i < group_rows[z]; i++)
        k->bind(s, 1 + (int)i * k->ncols, &r[i]);
    return run(st, s, dg, k->what);
}

/*
 * Write a group's waiting rows, as many at a time as the inserts allow.
 * With foreign keys on (outside a batch) a row must follow its parent, which may still be
 * waiting in its own group.
 */
static int
group_flush(struct px_store *st, enum group_id g, struct px_diag *dg)
{
    const struct group_kind *k = &group_kinds[g];
    struct group *gr = &st->group[g];
    size_t n = gr->n, done = 0;
    gr->n = 0;
    if (n && k->parent >= 0 && !st->in_batch && group_flush(st, k->parent, dg) < 0)
        return -1;
    for (int z = 2; z >= 0; z--)
        for (; n - done >= group_rows[z]; done += group_rows[z])
            if (insert_rows(st, k, &gr->row[done], z, dg) < 0)
                return -1;
    return 0;
}

static int
group_add(struct px_store *st, enum group_id g, struct pending r, struct px_diag *dg)
{
    struct group *gr = &st->group[g];
    gr->row[gr->n++] = r;
    return gr->n == GROUP_ROWS ? group_flush(st, g, dg) : 0;
}

/* After the rows of a part: write what waits, or after a failure (rc < 0) drop it, for
 * it points into a document about to be released. rc or -1. */
static int
groups_end(struct px_store *st, int rc, struct px_diag *dg)
{
    for (int g = 0; g < G_COUNT; g++) {
        if (rc == 0)
            rc = group_flush(st, (enum group_id)g, dg);
        st->group[g].n = 0;
    }
    return rc;
}

/*
 * The id SQLite would give the next row of a table: one more than the largest, 1 when
 * empty (the tables are not AUTOINCREMENT). Blocks and table rows are written with these
 * ids, given in the order of the rows, so that they stay what row-by-row inserts gave,
 * and children need not wait for their parent's insert. Past the largest possible id
 * SQLite would pick ids at random: refused, far beyond any real database.
 */
static int
next_id(struct px_store *st, enum stmt_id max, int64_t *id, struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_get(st, max);
    int rc = sqlite3_step(s);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW)
        return db_fail(st, dg, "cannot read the largest id");
    if (v >= INT64_MAX / 2)
        return px_error(dg, "database '%s': row ids exhausted", st->path);
    *id = v + 1;
    return 0;
}

static int
put_table(struct px_store *st, int64_t block_id, const struct px_table *t, int64_t *row_id,
          struct px_diag *dg)
{
    for (size_t i = 0; t && i < t->nrows; i++) {
        const struct px_row *r = &t->rows[i];
        int64_t id = (*row_id)++;
        if (group_add(st, G_ROW, (struct pending){id, block_id, i, r, NULL}, dg) < 0)
            return -1;
        for (size_t j = 0; j < r->ncells; j++)
            if (group_add(st, G_CELL, (struct pending){0, id, j, &r->cells[j], NULL}, dg) < 0)
                return -1;
    }
    return 0;
}

static int
put_blocks_rows(struct px_store *st, int64_t doc_id, const struct px_doc *doc, struct px_diag *dg)
{
    int64_t block_id = 0, row_id = 0;
    if (doc->nblocks &&
        (next_id(st, S_MAX_BLOCK, &block_id, dg) < 0 || next_id(st, S_MAX_ROW, &row_id, dg) < 0))
        return -1;
    for (size_t i = 0; i < doc->nblocks; i++, block_id++) {
        const struct px_block *b = &doc->blocks[i];
        if (group_add(st, G_BLOCK, (struct pending){block_id, doc_id, i, b, NULL}, dg) < 0)
            return -1;
        if (b->type == PX_BLOCK_TABLE && put_table(st, block_id, b->table, &row_id, dg) < 0)
            return -1;
    }
    return 0;
}

static int
put_blocks(struct px_store *st, int64_t doc_id, const struct px_doc *doc, struct px_diag *dg)
{
    return groups_end(st, put_blocks_rows(st, doc_id, doc, dg), dg);
}

static int
put_facts(struct px_store *st, int64_t doc_id, const struct px_docinfo *info, struct px_diag *dg)
{
    for (size_t i = 0; info->implements.present && i < info->implements.n; i++) {
        sqlite3_stmt *s = stmt_child(st, S_INS_IMPL, doc_id, i);
        bind_text(s, 3, info->implements.v[i]);
        if (run(st, s, dg, "cannot store a document fact") < 0)
            return -1;
    }
    for (int f = 0; f < PX_FACT_COUNT; f++) {
        if (!info->prov[f].rule)
            continue; /* no provenance: the fact was not found */
        sqlite3_stmt *s = stmt_for(st, S_INS_FACT, doc_id);
        bind_text(s, 2, fact_names[f]);
        bind_text(s, 3, info->prov[f].rule);
        bind_span(s, 4, &info->prov[f].span);
        if (run(st, s, dg, "cannot store a fact's provenance") < 0)
            return -1;
    }
    return 0;
}

static int
put_agencies(struct px_store *st, int64_t task_id, const char *role, const struct px_strlist *l,
             struct px_diag *dg)
{
    for (size_t i = 0; l->present && i < l->n; i++)
        if (group_add(st, G_AGENCY, (struct pending){0, task_id, i, l->v[i], role}, dg) < 0)
            return -1;
    return 0;
}

static int
put_task_rows(struct px_store *st, int64_t doc_id, const struct px_extraction *ex,
              struct px_diag *dg)
{
    int64_t task_id = 0;
    if (ex->ntasks && next_id(st, S_MAX_TASK, &task_id, dg) < 0)
        return -1;
    for (size_t i = 0; i < ex->ntasks; i++, task_id++) {
        const struct px_task *t = &ex->tasks[i];
        if (group_add(st, G_TASK, (struct pending){task_id, doc_id, i, t, NULL}, dg) < 0 ||
            put_agencies(st, task_id, "lead", &t->leads, dg) < 0 ||
            put_agencies(st, task_id, "partner", &t->partners, dg) < 0)
            return -1;
    }
    return 0;
}

static int
put_tasks(struct px_store *st, int64_t doc_id, const struct px_extraction *ex, struct px_diag *dg)
{
    return groups_end(st, put_task_rows(st, doc_id, ex, dg), dg);
}

static int
put_targets(struct px_store *st, int64_t doc_id, const struct px_extraction *ex, struct px_diag *dg)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ex->ntargets; i++)
        rc = group_add(st, G_TARGET, (struct pending){0, doc_id, i, &ex->targets[i], NULL}, dg);
    return groups_end(st, rc, dg);
}

/* The digests of the records just written, so a reextraction can tell what changed. */
static int
put_digests(struct px_store *st, int64_t doc_id, const struct px_digests *d, struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_PUT_DIGEST, doc_id);
    for (int p = 0; p < PX_PART_COUNT; p++)
        sqlite3_bind_text(s, 2 + p, d->part[p], PX_DIGEST_LEN, SQLITE_STATIC);
    return run(st, s, dg, "cannot store the extraction digests");
}

/* What the reextraction needs to start again from the stages a rule edit changed. */
static int
put_state(struct px_store *st, int64_t doc_id, const struct px_extraction *ex, struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_PUT_STATE, doc_id);
    bind_text(s, 2, ex->upstream);
    bind_text(s, 3, ex->whole);
    sqlite3_bind_blob(s, 4, ex->taskmap.n ? (const void *)ex->taskmap.p : "", (int)ex->taskmap.n,
                      SQLITE_STATIC);
    return run(st, s, dg, "cannot store the extraction state");
}

/*
 * Which parts' stored digests differ from d (none stored: all): stale[part]
 * = 1. A targets-only extraction made no facts or tasks: theirs are not
 * compared, and their stored digests are copied into d, to be written back.
 * 0 or -1.
 */
static int
stale_parts(struct px_store *st, int64_t doc_id, const struct px_extraction *ex,
            struct px_digests *d, int stale[PX_PART_COUNT], struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_GET_DIGEST, doc_id);
    int rc = sqlite3_step(s);
    for (int p = 0; p < PX_PART_COUNT; p++) {
        const unsigned char *old = rc == SQLITE_ROW ? sqlite3_column_text(s, p) : NULL;
        int ok = old && sqlite3_column_bytes(s, p) == PX_DIGEST_LEN;
        if (ex->targets_only && p != PX_PART_TARGETS) {
            stale[p] = 0;
            memcpy(d->part[p], ok ? (const char *)old : "", ok ? PX_DIGEST_LEN + 1 : 1);
            continue;
        }
        stale[p] = !ok || memcmp(old, d->part[p], PX_DIGEST_LEN) != 0;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(st, dg, "cannot read the extraction digests");
    return 0;
}

static void
now_iso(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
insert_document(struct px_store *st, const struct px_doc *doc, const char *sha,
                const struct px_docinfo *info, int64_t *id, struct px_diag *dg)
{
    char when[32];
    now_iso(when);
    sqlite3_stmt *s = stmt_get(st, S_INS_DOC);
    bind_text(s, 1, doc->name);
    bind_text(s, 2, doc->path);
    bind_text(s, 3, sha);
    bind_text(s, 4, px_format_name(doc->format));
    sqlite3_bind_int64(s, 5, (sqlite3_int64)doc->src_len);
    bind_text(s, 6, when);
    bind_docinfo(s, 7, info);
    if (run(st, s, dg, "cannot store a document") < 0)
        return -1;
    *id = sqlite3_last_insert_rowid(st->db);
    return 0;
}

/*
 * Delete a document and every row under it, children first: what ON DELETE CASCADE does,
 * spelled out because a batch writes with foreign keys off (px_store_batch_begin).
 */
static int
delete_document(struct px_store *st, int64_t doc_id, struct px_diag *dg)
{
    static const enum stmt_id order[] = {S_DEL_CELLS,   S_DEL_ROWS,    S_DEL_BLOCKS, S_DEL_AGENCIES,
                                         S_DEL_TASKS,   S_DEL_TARGETS, S_DEL_IMPL,   S_DEL_FACTS,
                                         S_DEL_DIGESTS, S_DEL_STATE};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (run(st, stmt_for(st, order[i], doc_id), dg, "cannot replace the old version") < 0)
            return -1;
    if (px_maps_drop(st, doc_id, dg) < 0)
        return -1;
    return run(st, stmt_for(st, S_DEL_DOC, doc_id), dg, "cannot replace the old version");
}

/* Delete the older version stored under the same key and format; *found says if there was one. */
static int
drop_old_version(struct px_store *st, const struct px_doc *doc, int *found, struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_get(st, S_FIND_KEY);
    bind_text(s, 1, doc->name);
    bind_text(s, 2, px_format_name(doc->format));
    int rc = sqlite3_step(s);
    int64_t old = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(st, dg, "cannot look up a document key");
    *found = rc == SQLITE_ROW;
    return *found ? delete_document(st, old, dg) : 0;
}

static int
put_all(struct px_store *st, const struct px_doc *doc, const char *sha,
        const struct px_extraction *ex, const struct px_store_prep *prep, enum px_store_result *res,
        struct px_diag *dg)
{
    int has = px_store_has_sha(st, sha, dg);
    if (has != 0) {
        *res = PX_STORE_SAME;
        return has < 0 ? -1 : 0;
    }
    int replaced = 0;
    int64_t id;
    if (drop_old_version(st, doc, &replaced, dg) < 0 ||
        insert_document(st, doc, sha, &ex->info, &id, dg) < 0 ||
        put_facts(st, id, &ex->info, dg) < 0 || put_blocks(st, id, doc, dg) < 0 ||
        px_maps_put(st, id, &prep->maps, dg) < 0 || /* reload.h: what reextract needs */
        put_tasks(st, id, ex, dg) < 0 || put_targets(st, id, ex, dg) < 0 ||
        put_digests(st, id, &prep->digests, dg) < 0 || put_state(st, id, ex, dg) < 0)
        return -1;
    *res = replaced ? PX_STORE_REPLACED : PX_STORE_NEW;
    return 0;
}

/*
 * One document's writes: a transaction of its own, or inside a batch a
 * savepoint, so that a failed document is undone alone either way.
 */
static int
begin(struct px_store *st, struct px_diag *dg)
{
    if (st->in_batch)
        return run(st, stmt_get(st, S_SAVEPOINT), dg, "cannot begin a savepoint");
    return run(st, stmt_get(st, S_BEGIN), dg, "cannot begin a transaction");
}

/* Commit when rc is 0, else (or when the commit fails) roll back. Returns 0 or -1. */
static int
finish(struct px_store *st, int rc, struct px_diag *dg)
{
    if (st->in_batch) {
        if (rc == 0 && run(st, stmt_get(st, S_RELEASE), dg, "cannot release a savepoint") == 0)
            return 0;
        sqlite3_step(stmt_get(st, S_ROLLBACK_TO));
        sqlite3_reset(st->stmt[S_ROLLBACK_TO]);
        sqlite3_step(stmt_get(st, S_RELEASE));
        sqlite3_reset(st->stmt[S_RELEASE]);
        return -1;
    }
    if (rc == 0 && run(st, stmt_get(st, S_COMMIT), dg, "cannot commit") == 0)
        return 0;
    sqlite3_step(stmt_get(st, S_ROLLBACK));
    sqlite3_reset(st->stmt[S_ROLLBACK]);
    return -1;
}

static int
batch_open(struct px_store *st, struct px_diag *dg)
{
    if (run(st, stmt_get(st, S_BEGIN), dg, "cannot begin a transaction") < 0)
        return -1;
    st->in_batch = 1;
    clock_gettime(CLOCK_MONOTONIC, &st->batch_start);
    return 0;
}

/* Commit the batch; a failed commit rolls it back. 0 or -1. */
static int
batch_close(struct px_store *st, struct px_diag *dg)
{
    st->in_batch = 0;
    if (run(st, stmt_get(st, S_COMMIT), dg, "cannot commit") == 0)
        return 0;
    sqlite3_step(stmt_get(st, S_ROLLBACK));
    sqlite3_reset(st->stmt[S_ROLLBACK]);
    return -1;
}

/*
 * A batch writes with foreign keys off: checking them costs a look-up of the parent and
 * a statement journal per inserted row, 13 % of the writer's instructions, and every
 * child is written under the id its parent's insert has just returned. Deletes do the
 * cascade themselves (delete_document; replace_parts deletes agencies before tasks).
 * The switch works only outside a transaction, and recompiles the prepared statements.
 */
int
px_store_batch_begin(struct px_store *st, struct px_diag *dg)
{
    if (st->in_batch)
        return 0;
    if (exec_sql(st, "PRAGMA foreign_keys = OFF", dg) < 0)
        return -1;
    return batch_open(st, dg);
}

int
px_store_batch_tick(struct px_store *st, struct px_diag *dg)
{
    if (!st->in_batch)
        return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ms = (int64_t)(now.tv_sec - st->batch_start.tv_sec) * 1000 +
                 (now.tv_nsec - st->batch_start.tv_nsec) / 1000000;
    if (ms < PX_STORE_BATCH_MS)
        return 0;
    if (batch_close(st, dg) < 0)
        return -1;
    return batch_open(st, dg);
}

int
px_store_batch_commit(struct px_store *st, struct px_diag *dg)
{
    if (!st->in_batch)
        return 0;
    int rc = batch_close(st, dg);
    if (exec_sql(st, "PRAGMA foreign_keys = ON", dg) < 0)
        return -1;
    return rc;
}

int
px_store_put_prepared(struct px_store *st, const struct px_doc *doc, const char *sha256_hex,
                      const struct px_extraction *ex, const struct px_store_prep *prep,
                      enum px_store_result *res, struct px_diag *dg)
{
    if (begin(st, dg) < 0)
        return -1;
    return finish(st, put_all(st, doc, sha256_hex, ex, prep, res, dg), dg);
}

void
px_store_prepare(const struct px_doc *doc, const struct px_extraction *ex,
                 struct px_store_prep *prep)
{
    prep->maps = (struct px_buf)PX_BUF_INIT;
    px_maps_encode(doc, &prep->maps);
    px_store_digests(ex, &prep->digests);
}

void
px_store_prep_release(struct px_store_prep *prep)
{
    px_buf_release(&prep->maps);
}

int
px_store_put(struct px_store *st, const struct px_doc *doc, const char *sha256_hex,
             const struct px_extraction *ex, enum px_store_result *res, struct px_diag *dg)
{
    struct px_store_prep prep;
    px_store_prepare(doc, ex, &prep);
    int rc = px_store_put_prepared(st, doc, sha256_hex, ex, &prep, res, dg);
    px_store_prep_release(&prep);
    return rc;
}

/* ---- replacing an extraction ------------------------------------------------------------- */

static int
update_document(struct px_store *st, int64_t doc_id, const struct px_docinfo *info,
                struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_UPD_DOC, doc_id);
    bind_docinfo(s, 2, info);
    return run(st, s, dg, "cannot update a document");
}

static int
drop(struct px_store *st, int64_t doc_id, enum stmt_id a, enum stmt_id b, struct px_diag *dg)
{
    if (run(st, stmt_for(st, a, doc_id), dg, "cannot drop old records") < 0)
        return -1;
    return b == a ? 0 : run(st, stmt_for(st, b, doc_id), dg, "cannot drop old records");
}

/* Delete and write again the parts marked stale, then the new digests. */
static int
replace_parts(struct px_store *st, int64_t doc_id, const struct px_extraction *ex,
              const struct px_digests *d, const int stale[PX_PART_COUNT], struct px_diag *dg)
{
    if (stale[PX_PART_INFO] && (drop(st, doc_id, S_DEL_IMPL, S_DEL_FACTS, dg) < 0 ||
                                update_document(st, doc_id, &ex->info, dg) < 0 ||
                                put_facts(st, doc_id, &ex->info, dg) < 0))
        return -1;
    if (stale[PX_PART_TASKS] && (drop(st, doc_id, S_DEL_AGENCIES, S_DEL_TASKS, dg) < 0 ||
                                 put_tasks(st, doc_id, ex, dg) < 0))
        return -1;
    if (stale[PX_PART_TARGETS] && (drop(st, doc_id, S_DEL_TARGETS, S_DEL_TARGETS, dg) < 0 ||
                                   put_targets(st, doc_id, ex, dg) < 0))
        return -1;
    return put_digests(st, doc_id, d, dg);
}

int
px_store_replace_extraction(struct px_store *st, int64_t doc_id, const struct px_extraction *ex,
                            const struct px_digests *d, int write_state, int *changed,
                            struct px_diag *dg)
{
    int stale[PX_PART_COUNT];
    struct px_digests now = *d;
    *changed = 0;
    if (stale_parts(st, doc_id, ex, &now, stale, dg) < 0)
        return -1;
    for (int p = 0; p < PX_PART_COUNT; p++)
        *changed |= stale[p];
    if (!*changed && !write_state)
        return 0;
    if (begin(st, dg) < 0)
        return -1;
    int rc = *changed ? replace_parts(st, doc_id, ex, &now, stale, dg) : 0;
    if (rc == 0 && write_state)
        rc = put_state(st, doc_id, ex, dg);
    return finish(st, rc, dg);
}

/*
 * Reextract reads most of the file once: mapped, its pages are read without a system call
 * each (1,000 plans: 0.3 to 0.5 s of system time gone, -25 % of wall time). Only there:
 * the mapped pages count in the RSS, as many as are read, up to the 256 MB mapped, and an
 * ingest, which reads little of the file, would show a peak RSS growing with the database
 * for no gain.
 */
int
px_store_map_file(struct px_store *st, struct px_diag *dg)
{
    return exec_sql(st, "PRAGMA mmap_size = 268435456", dg);
}

int
px_store_get_state(struct px_store *st, int64_t doc_id, struct px_store_state *out,
                   struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_GET_STATE, doc_id);
    int rc = sqlite3_step(s);
    out->present = 0;
    out->upstream[0] = out->whole[0] = '\0';
    px_buf_clear(&out->taskmap);
    if (rc == SQLITE_ROW) {
        const unsigned char *u = sqlite3_column_text(s, 0), *w = sqlite3_column_text(s, 1);
        out->present = u && w && sqlite3_column_bytes(s, 0) < (int)sizeof out->upstream &&
                       sqlite3_column_bytes(s, 1) < (int)sizeof out->whole;
        if (out->present) {
            memcpy(out->upstream, u, (size_t)sqlite3_column_bytes(s, 0) + 1);
            memcpy(out->whole, w, (size_t)sqlite3_column_bytes(s, 1) + 1);
            px_buf_put(&out->taskmap, sqlite3_column_blob(s, 2),
                       (size_t)sqlite3_column_bytes(s, 2));
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(st, dg, "cannot read the extraction state");
    return 0;
}

/* ---- reading back ------------------------------------------------------------------------ */

/* End a read of rows: 0 when they ran out, else the failure reported. */
static int
read_end(struct px_store *st, sqlite3_stmt *s, int rc, struct px_diag *dg, const char *what)
{
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : db_fail(st, dg, what);
}

static void
col_date(sqlite3_stmt *s, int i, char out[11])
{
    const unsigned char *v = sqlite3_column_text(s, i);
    out[0] = '\0';
    if (v && sqlite3_column_bytes(s, i) == 10)
        memcpy(out, v, 11);
}

/* The fixed vocabularies come back as the same static strings extraction uses. */
static const char *
every_name(const char *v)
{
    static const char *const names[] = {"year", "half", "quarter", "month"};
    for (size_t i = 0; v && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(v, names[i]))
            return names[i];
    return NULL;
}

static enum px_deadline_kind
deadline_kind_from_name(const char *v)
{
    for (int k = PX_DL_UNKNOWN; v && k <= PX_DL_AS_REQUIRED; k++)
        if (!strcmp(v, px_deadline_kind_name((enum px_deadline_kind)k)))
            return (enum px_deadline_kind)k;
    return PX_DL_UNKNOWN;
}

static void
strlist_push(struct px_arena *a, struct px_strlist *l, char *v)
{
    l->v = px_arena_grow(a, l->v, l->n, l->n + 1, sizeof *l->v);
    l->v[l->n++] = v;
}

static int
load_docinfo(struct px_store *st, int64_t doc_id, struct px_arena *a, struct px_docinfo *info,
             struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_GET_DOC, doc_id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return rc == SQLITE_DONE
                   ? px_error(dg, "database '%s': no document %lld", st->path, (long long)doc_id)
                   : db_fail(st, dg, "cannot read a document");
    }
    const char *kind = px_sql_col_str(s, 0, a);
    info->kind = kind ? kind : "other";
    info->number = px_sql_col_str(s, 1, a);
    info->issuer = px_sql_col_str(s, 2, a);
    info->province = px_sql_col_str(s, 3, a);
    col_date(s, 4, info->issued);
    info->year = sqlite3_column_int(s, 5);
    sqlite3_reset(s);

    s = stmt_for(st, S_GET_IMPL, doc_id);
    info->implements.present = 1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        strlist_push(a, &info->implements, px_sql_col_str(s, 0, a));
    return read_end(st, s, rc, dg, "cannot read a document's implements");
}

static int
load_facts(struct px_store *st, int64_t doc_id, struct px_arena *a, struct px_docinfo *info,
           struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_GET_FACTS, doc_id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *field = (const char *)sqlite3_column_text(s, 0);
        for (int f = 0; field && f < PX_FACT_COUNT; f++)
            if (!strcmp(field, fact_names[f])) {
                info->prov[f].rule = px_sql_col_str(s, 1, a);
                info->prov[f].span = px_sql_col_span(s, 2);
            }
    }
    return read_end(st, s, rc, dg, "cannot read provenance");
}

static int
load_agencies(struct px_store *st, int64_t task_id, struct px_arena *a, struct px_task *t,
              struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_GET_AGENCIES, task_id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *role = (const char *)sqlite3_column_text(s, 0);
        strlist_push(a, role && !strcmp(role, "lead") ? &t->leads : &t->partners,
                     px_sql_col_str(s, 1, a));
    }
    return read_end(st, s, rc, dg, "cannot read a task's agencies");
}

static void
read_task_row(sqlite3_stmt *s, struct px_arena *a, struct px_task *t)
{
    t->id = px_sql_col_str(s, 1, a);
    t->origin = px_sql_col_str(s, 2, a);
    t->ordinal = px_sql_col_str(s, 3, a);
    t->text = px_sql_col_str(s, 4, a);
    t->product = px_sql_col_str(s, 5, a);
    t->section = px_sql_col_str(s, 6, a);
    struct px_deadline *d = &t->deadline;
    d->present = sqlite3_column_int(s, 7);
    d->raw = px_sql_col_str(s, 8, a);
    d->kind = deadline_kind_from_name((const char *)sqlite3_column_text(s, 9));
    col_date(s, 10, d->start);
    col_date(s, 11, d->end);
    d->every = every_name((const char *)sqlite3_column_text(s, 12));
    d->rule = px_sql_col_str(s, 13, a);
    t->leads.present = sqlite3_column_int(s, 14);
    t->partners.present = sqlite3_column_int(s, 15);
    t->prov.rule = px_sql_col_str(s, 16, a);
    t->prov.span = px_sql_col_span(s, 17);
}

/* Tasks first in a list of (row id, task), then agencies: the task cursor stays simple. */
static int
load_tasks(struct px_store *st, int64_t doc_id, struct px_arena *a, struct px_extraction *ex,
           struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_GET_TASKS, doc_id);
    int64_t *ids = NULL; /* ids[i]: the row of ex->tasks[i] */
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            ex->tasks = px_arena_grow(a, ex->tasks, n, ncap, sizeof *ex->tasks);
            ids = px_xrealloc(ids, ncap * sizeof *ids);
            cap = ncap;
        }
        struct px_task *t = &ex->tasks[n];
        memset(t, 0, sizeof *t);
        ids[n++] = sqlite3_column_int64(s, 0);
        read_task_row(s, a, t);
    }
    ex->ntasks = n;
    int ret = read_end(st, s, rc, dg, "cannot read tasks");
    for (size_t i = 0; ret == 0 && i < n; i++)
        ret = load_agencies(st, ids[i], a, &ex->tasks[i], dg);
    free(ids);
    return ret;
}

static int
load_targets(struct px_store *st, int64_t doc_id, struct px_arena *a, struct px_extraction *ex,
             struct px_diag *dg)
{
    sqlite3_stmt *s = stmt_for(st, S_GET_TARGETS, doc_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (ex->ntargets == cap) {
            cap = cap ? cap * 2 : 32;
            ex->targets = px_arena_grow(a, ex->targets, ex->ntargets, cap, sizeof *ex->targets);
        }
        struct px_target *t = &ex->targets[ex->ntargets++];
        memset(t, 0, sizeof *t);
        t->task = px_sql_col_str(s, 0, a);
        t->metric = px_sql_col_str(s, 1, a);
        t->cmp = px_sql_col_str(s, 2, a);
        t->value = sqlite3_column_double(s, 3);
        t->has_value2 = sqlite3_column_type(s, 4) != SQLITE_NULL;
        t->value2 = sqlite3_column_double(s, 4);
        t->unit = px_sql_col_str(s, 5, a);
        t->raw = px_sql_col_str(s, 6, a);
        t->prov.rule = px_sql_col_str(s, 7, a);
        t->prov.span = px_sql_col_span(s, 8);
    }
    return read_end(st, s, rc, dg, "cannot read targets");
}

int
px_store_load(struct px_store *st, int64_t doc_id, struct px_arena *a, struct px_extraction *ex,
              struct px_diag *dg)
{
    memset(ex, 0, sizeof *ex);
    if (load_docinfo(st, doc_id, a, &ex->info, dg) < 0 ||
        load_facts(st, doc_id, a, &ex->info, dg) < 0 || load_tasks(st, doc_id, a, ex, dg) < 0 ||
        load_targets(st, doc_id, a, ex, dg) < 0)
        return -1;
    return 0;
}

/* A listing is rare (once per command): this statement is prepared on the spot. */
static const char list_sql[] =
    "SELECT d.id, d.doc_key, d.path, d.sha256, d.format, d.ingested_at, d.size,"
    " d.is_baseline, d.baseline_for, d.kind, d.number, d.province,"
    " (SELECT count(*) FROM tasks t WHERE t.doc_id = d.id),"
    " (SELECT count(*) FROM targets g WHERE g.doc_id = d.id)"
    " FROM documents d WHERE ?1 IS NULL OR d.doc_key = ?1 OR d.doc_key || '.' || d.format = ?1"
    " ORDER BY d.doc_key, d.format";

static void
read_doc_row(sqlite3_stmt *s, struct px_arena *a, struct px_store_doc *d)
{
    d->id = sqlite3_column_int64(s, 0);
    d->key = px_sql_col_str(s, 1, a);
    d->path = px_sql_col_str(s, 2, a);
    d->sha256 = px_sql_col_str(s, 3, a);
    d->format = px_sql_col_str(s, 4, a);
    d->ingested_at = px_sql_col_str(s, 5, a);
    d->size = sqlite3_column_int64(s, 6);
    d->is_baseline = sqlite3_column_int(s, 7);
    d->baseline_for = px_sql_col_str(s, 8, a);
    d->kind = px_sql_col_str(s, 9, a);
    d->number = px_sql_col_str(s, 10, a);
    d->province = px_sql_col_str(s, 11, a);
    d->ntasks = (size_t)sqlite3_column_int64(s, 12);
    d->ntargets = (size_t)sqlite3_column_int64(s, 13);
}

int
px_store_docs(struct px_store *st, const char *key, struct px_arena *a, struct px_store_doc **out,
              size_t *n, struct px_diag *dg)
{
    sqlite3_stmt *s;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db, list_sql, -1, &s, NULL) != SQLITE_OK)
        return db_fail(st, dg, "cannot list documents");
    bind_text(s, 1, key);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = px_arena_grow(a, *out, *n, cap, sizeof **out);
        }
        read_doc_row(s, a, &(*out)[(*n)++]);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : db_fail(st, dg, "cannot list documents");
}

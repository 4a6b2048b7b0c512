/*
 * store_internal — the SQLite helpers the store's own files share (private).
 *
 * Includes arena.h, doc.h and sqlite3. Included only by store.c (which
 * defines these) and reload.c; the CLI and the other stages go through
 * store.h and reload.h.
 */
#ifndef PX_STORE_INTERNAL_H
#define PX_STORE_INTERNAL_H

#include "arena.h"
#include "doc.h"

#include <sqlite3.h>

/* Reset s and clear its bindings, ready for its next row. Returns s. */
sqlite3_stmt *px_sql_reset(sqlite3_stmt *s);

/*
 * Prepare the n statements sql[i] into out[i], persistent (prepared once per
 * connection). Returns 0, or -1 at the first failure (sqlite3_errmsg(db)
 * says why; the caller reports it). Either way the caller finalizes out
 * with px_sql_finalize_all().
 */
int px_sql_prepare_all(sqlite3 *db, const char *const *sql, sqlite3_stmt **out, int n);

/* Finalize the n statements of s (NULL ones are skipped by sqlite). */
void px_sql_finalize_all(sqlite3_stmt **s, int n);

/* Column i as text, an arena-owned copy in a; NULL for SQL NULL. */
char *px_sql_col_str(sqlite3_stmt *s, int i, struct px_arena *a);

/* A span from the three columns (line, byte, len) starting at first. */
struct px_span px_sql_col_span(sqlite3_stmt *s, int first);

#endif

/*
 * store — the SQLite database: documents, their block stream, and what was
 * extracted from them.
 *
 * Includes doc.h, extract.h, diag.h and sqlite3. Used by the CLI commands
 * (ingest, export, eval, show, diff, report, merge).
 *
 * Rules of the house:
 *   - prepared statements only, each prepared once per connection;
 *   - WAL journal, a busy timeout, so two ingests into one file wait for each
 *     other instead of failing or corrupting it;
 *   - a document is stored whole or not at all: one savepoint each, inside
 *     transactions that a writer commits every PX_STORE_BATCH_MS
 *     (px_store_batch_*), or one transaction each outside a batch;
 *   - documents are keyed by the sha256 of their bytes (unique): the same
 *     content twice stores nothing new; a changed file at the same path (or
 *     with the same doc key) replaces its old version in the same transaction.
 *
 * Schema (user_version PX_STORE_SCHEMA): documents (one row per stored
 * version, sha256 unique, (doc_key, format) unique), document_implements,
 * facts (provenance of document facts), blocks, table_rows, cells, tasks,
 * task_agencies, targets, extraction_digests (per document, one SHA-256 of
 * the records written from each part of its extraction: facts, tasks,
 * targets; schema 2), extraction_state (per document, the fingerprints of
 * the extractor that made its extraction and the task map: extract.h;
 * schema 3). Children cascade on delete of their document. An older
 * database is brought to 3 when opened (the new tables are created; its
 * documents have no digest and no state until written: their next
 * reextraction runs every stage).
 * Blocks keep their locator; cells do not (struct px_cell's locator came
 * later, and a new cells column would need a migration of older databases
 * and of the shards merge reads), so cells read back have none.
 *
 * Ownership: struct px_store is heap-owned; free with px_store_close().
 * Records read back (px_store_docs, px_store_load) are arena-owned by the
 * arena the caller passes.
 */
#ifndef PX_STORE_H
#define PX_STORE_H

#include "buf.h"
#include "diag.h"
#include "doc.h"
#include "extract.h"

#include <stdint.h>

struct px_store;

#define PX_STORE_SCHEMA 3

enum px_store_result {
    PX_STORE_NEW,      /* first time this content and key are seen */
    PX_STORE_SAME,     /* identical content already stored: nothing written */
    PX_STORE_REPLACED, /* same doc key, new content: old version replaced */
};

/* Open (creating the schema if needed). Returns NULL with a diagnostic on failure. */
struct px_store *px_store_open(const char *path, struct px_diag *dg);
void px_store_close(struct px_store *st);

/* Is this content (sha256 hex) stored already? 1 yes, 0 no, -1 error. */
int px_store_has_sha(struct px_store *st, const char *sha256_hex, struct px_diag *dg);

/* Store one document, its blocks and its extraction in one transaction. */
int px_store_put(struct px_store *st, const struct px_doc *doc, const char *sha256_hex,
                 const struct px_extraction *ex, enum px_store_result *res, struct px_diag *dg);

/*
 * The digests of what the store writes from an extraction, one per part a
 * rule edit can change on its own: the document facts (kind, number,
 * issuer, province, issued, year, implements, their provenance), the tasks
 * (with their agencies and deadlines) and the targets. Equal digests mean
 * equal stored records of that part.
 */
enum px_part { PX_PART_INFO, PX_PART_TASKS, PX_PART_TARGETS, PX_PART_COUNT };
#define PX_DIGEST_LEN 64 /* hex digits */
struct px_digests {
    char part[PX_PART_COUNT][PX_DIGEST_LEN + 1];
};

/* The digests of what the store writes from ex (store_digest.c). Pure: any thread. */
void px_store_digests(const struct px_extraction *ex, struct px_digests *out);

/*
 * What px_store_put() computes from a document besides writing rows: the
 * offset-map blob (reload.h) and the digests. px_store_prepare() touches no
 * database, so a worker thread makes it while the one writer stores another
 * document (parallel.h); px_store_put_prepared() then only writes. Release
 * with px_store_prep_release().
 */
struct px_store_prep {
    struct px_buf maps;
    struct px_digests digests;
};
void px_store_prepare(const struct px_doc *doc, const struct px_extraction *ex,
                      struct px_store_prep *prep);
void px_store_prep_release(struct px_store_prep *prep);
int px_store_put_prepared(struct px_store *st, const struct px_doc *doc, const char *sha256_hex,
                          const struct px_extraction *ex, const struct px_store_prep *prep,
                          enum px_store_result *res, struct px_diag *dg);

/*
 * Replace what was extracted from the stored document doc_id (its facts,
 * implements, provenance, tasks with their agencies, targets) by ex, in one
 * transaction, with the same statements px_store_put() writes them with;
 * the document's identity, blocks and offset maps are left alone. Used by
 * reextraction (reextract.h). d is px_store_digests(ex), made by the caller
 * (a worker thread, so the one writer does not hash). Only the parts
 * (facts, tasks, targets) whose digest differs from the stored one are
 * written; when none differs nothing is, and *changed is 0. When
 * ex->targets_only, only the targets are compared. With write_state the
 * extraction state (fingerprints and task map of ex) is written too.
 * Returns 0, or -1 (reported; nothing changed).
 */
int px_store_replace_extraction(struct px_store *st, int64_t doc_id, const struct px_extraction *ex,
                                const struct px_digests *d, int write_state, int *changed,
                                struct px_diag *dg);

/* Read the database file through a memory map (up to 256 MB) from now on: for a reader of
 * most of the file (reextract). 0 or -1 (reported). */
int px_store_map_file(struct px_store *st, struct px_diag *dg);

/* The stored extraction state of a document (extract.h): present 0 when none was stored. */
struct px_store_state {
    int present;
    char upstream[65], whole[65];
    struct px_buf taskmap; /* the caller's: kept from one call to the next, released by it */
};
int px_store_get_state(struct px_store *st, int64_t doc_id, struct px_store_state *out,
                       struct px_diag *dg);

/*
 * Group the writes of many documents in one transaction (each document
 * still a savepoint: a failed one is undone alone). Committing once per
 * batch instead of once per document saves writing the index pages every
 * document touches to the WAL again for each one. A writer calls
 * px_store_batch_tick() after each document: it commits and opens the next
 * batch once PX_STORE_BATCH_MS have passed, which bounds both how long
 * another writer waits for the lock and what an interrupted run loses (the
 * documents of the open batch; ingesting again stores them). 0 or -1
 * (reported); a commit that fails rolls its batch back.
 */
#define PX_STORE_BATCH_MS 250
int px_store_batch_begin(struct px_store *st, struct px_diag *dg);
int px_store_batch_tick(struct px_store *st, struct px_diag *dg);
int px_store_batch_commit(struct px_store *st, struct px_diag *dg);

/* Mark the document with this content as a baseline (is_baseline = 1). 0 or -1. */
int px_store_mark_baseline(struct px_store *st, const char *sha256_hex, struct px_diag *dg);

/* One stored document as listed by px_store_docs(); strings arena-owned. */
struct px_store_doc {
    int64_t id;
    const char *key;         /* doc key: base name without extension */
    const char *path;        /* as ingested */
    const char *sha256;      /* hex */
    const char *format;      /* "text" | "html" | "docx" */
    const char *ingested_at; /* UTC ISO 8601 */
    int64_t size;
    int is_baseline;
    const char *baseline_for;             /* or NULL */
    const char *kind, *number, *province; /* document facts (may be NULL) */
    size_t ntasks, ntargets;
};

/*
 * List stored documents ordered by key then format; key == NULL lists all,
 * else only those whose doc key (or "key.format") equals key. *out is an
 * arena-owned array. Returns 0 or -1 on a database failure (reported).
 */
int px_store_docs(struct px_store *st, const char *key, struct px_arena *a,
                  struct px_store_doc **out, size_t *n, struct px_diag *dg);

/* Read one document's extraction back (facts, tasks in order, targets in
 * order) into arena-owned records. Returns 0 or -1 (reported). */
int px_store_load(struct px_store *st, int64_t doc_id, struct px_arena *a, struct px_extraction *ex,
                  struct px_diag *dg);

/* The raw sqlite3 handle, for read-only modules (export, diff, report). Borrowed. */
struct sqlite3 *px_store_db(struct px_store *st);

#endif

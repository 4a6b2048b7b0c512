/*
 * merge — combine databases ingested as shards (on several machines, say)
 * into one, as if every file had been ingested into it.
 *
 * Includes store.h and diag.h. Used by `planex merge` and tests.
 *
 * Rules, those of one ingest: documents are keyed by the sha256 of their
 * bytes, so content already in the output is skipped (a duplicate); a
 * document whose (doc key, format) is in the output with other content
 * replaces it, inputs taken in the order given (the last one wins, as the
 * last file of an ingest does). Each input is merged in one transaction:
 * its rows are copied with SQL (ATTACH), row ids shifted past the output's,
 * so nothing is parsed or extracted again. Inputs must have the output's
 * schema version.
 *
 * Ownership: nothing is kept; the store is borrowed.
 */
#ifndef PX_MERGE_H
#define PX_MERGE_H

#include "diag.h"
#include "store.h"

#include <stddef.h>

struct px_merge_stats {
    size_t added;      /* documents new to the output */
    size_t replaced;   /* documents that replaced another version of the same key */
    size_t duplicates; /* documents whose content was in the output already */
};

/* Merge the database at in_path into st. Returns 0 (stats added to *stats), or
 * -1 on a database failure or a schema mismatch (reported; the output is unchanged). */
int px_merge_db(struct px_store *st, const char *in_path, struct px_merge_stats *stats,
                struct px_diag *dg);

#endif

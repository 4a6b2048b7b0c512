/*
 * parallel — ingest with N worker threads and one writer (`planex ingest -j N`).
 *
 * Includes ingest.h (and through it store.h, diag.h). Used by the ingest
 * command.
 *
 * The threads and the hand-over are pool.h's. Workers read, hash, parse,
 * normalise, extract and prepare the store's blob and digests
 * (px_store_prepare); each has its own normaliser, extractor (compiled
 * rules, PCRE2 match data) and a read-only look-up of the store for the
 * content-hash fast path. The calling thread is the one writer: it stores
 * the documents in file order, one savepoint each in time-bounded
 * transactions (store.h, px_store_batch_*), so the result is the same as a
 * serial ingest (a later file with the same key replaces an earlier one,
 * duplicates are skipped). At most 8 documents per worker wait for the
 * writer, so memory stays flat however long the batch is.
 *
 * Ownership: nothing is kept; the store is borrowed.
 */
#ifndef PX_PARALLEL_H
#define PX_PARALLEL_H

#include "diag.h"
#include "ingest.h"
#include "store.h"

#include <stddef.h>

struct px_parallel_tally {
    size_t count[PX_INGEST_REFUSED + 1]; /* by enum px_ingest_result */
    size_t bytes;                        /* bytes read */
};

/* Called by the writer after each file, in file order (may be NULL). */
typedef void px_parallel_progress(void *arg, size_t i, size_t n, const char *path,
                                  enum px_ingest_result res);

/*
 * Ingest files[0..n) into st (opened from db_path; workers open db_path
 * read-only for the hash look-up) with jobs worker threads (jobs >= 1).
 * Each file's diagnostics go into dg in file order. Returns 0 with the
 * tally, or -1 on a system failure (reported; files stored before it stay).
 */
int px_ingest_parallel(struct px_store *st, const char *db_path, const char *rules_dir,
                       int as_baseline, char **files, size_t n, int jobs,
                       px_parallel_progress *progress, void *arg, struct px_parallel_tally *t,
                       struct px_diag *dg);

#endif

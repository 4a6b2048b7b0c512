/*
 * reextract — extraction run again over stored documents, from their
 * stored blocks (`planex reextract [-j N]`), after a rule edit.
 *
 * Includes store.h (and through it doc.h, extract.h, diag.h). Used by the
 * reextract command.
 *
 * With jobs == 1 everything runs on the calling thread and the caller's
 * connection. With jobs > 1 (threads and hand-over: pool.h), N worker
 * threads each open their own
 * connection to db_path (WAL: they read while the writer writes), their own
 * normaliser and extractor, and reload and extract documents; the calling
 * thread is the one writer and takes them back in the order of ids, so the
 * result is the same as a serial run. At most 8 documents per worker wait
 * for the writer: memory does not grow with the batch.
 *
 * The writer groups documents in transactions (store.h, px_store_batch_*;
 * each document a savepoint) and writes only the parts whose records
 * changed (the store compares digests). A failure stops the run; documents
 * written before it stay.
 *
 * Ownership: nothing is kept; the store is borrowed.
 */
#ifndef PX_REEXTRACT_H
#define PX_REEXTRACT_H

#include "diag.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

struct px_reextract_tally {
    size_t done;         /* documents extracted again */
    size_t changed;      /* ... whose records changed, and were written */
    size_t without_maps; /* stored without offset maps: spans fall back to block starts */
};

/* Called by the writer after each document, in order (may be NULL). */
typedef void px_reextract_progress(void *arg, size_t i, size_t n,
                                   const struct px_reextract_tally *t);

/*
 * Extract ids[0..n) again with the rules under rules_dir (NULL: the
 * default) and store what changed into st, opened from db_path. Each
 * document's diagnostics go into dg in order. Returns 0 with the tally, or
 * -1 on a system failure (reported).
 */
int px_reextract(struct px_store *st, const char *db_path, const char *rules_dir,
                 const int64_t *ids, size_t n, int jobs, px_reextract_progress *progress, void *arg,
                 struct px_reextract_tally *t, struct px_diag *dg);

#endif

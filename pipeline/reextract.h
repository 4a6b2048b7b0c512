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
 * How much runs for a document is decided by the fingerprints stored with
 * its extraction (extract.h, store.h extraction_state): nothing when the
 * rules, the agency tables and the program are those it was made with; the
 * targets stage alone when only the target rules or the metric list
 * changed; every stage otherwise, or when opts->full asks for it. The
 * result is the same either way (tests/cli_reextract.sh).
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

struct px_reextract_opts {
    int jobs; /* reader threads; 1: everything on the calling thread */
    int full; /* run every stage of every document, whatever the fingerprints say */
};

struct px_reextract_tally {
    size_t done;         /* documents gone through */
    size_t changed;      /* ... whose records changed, and were written */
    size_t skipped;      /* ... made under the same fingerprints: nothing run */
    size_t targets_only; /* ... whose targets stage alone ran */
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
                 const int64_t *ids, size_t n, const struct px_reextract_opts *opts,
                 px_reextract_progress *progress, void *arg, struct px_reextract_tally *t,
                 struct px_diag *dg);

#endif

/*
 * ingest — the driver: one input file to one stored document.
 *
 * Includes store.h (and through it doc.h, extract.h, diag.h). Used by the
 * `planex ingest` command and by tests.
 *
 * For each file: read it, sha256 its bytes; content already stored is
 * skipped at once (no parse). Otherwise px_parse, px_normalize_doc,
 * px_extract, then px_store_put (one transaction, or one savepoint when the
 * caller has opened a batch: px_store_batch_begin). Bad input leaves the
 * file's diagnostics in dg (PX_ERROR) and stores nothing for it; the caller
 * goes on with the batch.
 *
 * Ownership: struct px_ingest is heap-owned (px_ingest_new/px_ingest_free);
 * it borrows the store. Lists from px_ingest_list are heap-owned: free with
 * px_ingest_list_free().
 */
#ifndef PX_INGEST_H
#define PX_INGEST_H

#include "diag.h"
#include "store.h"

#include <stddef.h>

enum px_ingest_result {
    PX_INGEST_NEW,
    PX_INGEST_REPLACED,
    PX_INGEST_SAME,    /* content stored already: nothing done */
    PX_INGEST_REFUSED, /* bad input: see the diagnostics */
};

struct px_ingest;

/* Set up the normaliser and the extractor (rules_dir NULL: px_rules_default_dir()).
 * as_baseline marks every stored document is_baseline. NULL on failure (reported). */
struct px_ingest *px_ingest_new(struct px_store *st, const char *rules_dir, int as_baseline,
                                struct px_diag *dg);
void px_ingest_free(struct px_ingest *ig);

/* Ingest bytes that were read from path (path names the document: its key is the base name). */
int px_ingest_bytes(struct px_ingest *ig, const char *path, const unsigned char *data, size_t len,
                    enum px_ingest_result *res, struct px_diag *dg);

/* Read path and ingest it. Returns 0 with *res set (PX_INGEST_REFUSED for bad
 * input, including an unreadable file), or -1 on a system failure (reported). */
int px_ingest_file(struct px_ingest *ig, const char *path, enum px_ingest_result *res,
                   size_t *bytes, struct px_diag *dg);

/*
 * Expand files and directories into the list of files to ingest: a file
 * named on its own is always taken; a directory is walked recursively in
 * name order, hidden entries skipped, taking .txt .md .html .htm .docx and
 * any other file whose bytes sniff as HTML or DOCX. A path that does not
 * exist is a PX_ERROR. Returns the number of such errors.
 */
size_t px_ingest_list(char *const *paths, size_t npaths, char ***files, size_t *nfiles,
                      struct px_diag *dg);
void px_ingest_list_free(char **files, size_t nfiles);

#endif

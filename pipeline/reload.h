/*
 * reload — a stored document back as a block stream: what `planex
 * reextract` (reextract.h) extracts from again after a rule edit, without
 * reading or parsing the source files.
 *
 * Includes store.h (and through it doc.h, extract.h, diag.h). Used by
 * reextract.c, the reextract command (listing ids), the store (px_maps_*)
 * and merge.
 *
 * The store keeps the normalised text of every block, row and cell, but not
 * the offset maps that take a text offset back to the source; extraction
 * cites source spans through them. So every stored document also gets one
 * row in table block_maps (created on first use): the maps of its blocks
 * and cells, in stream order, as one compact blob. With it a reloaded
 * document is, for px_extract, the document that was stored, and
 * reextraction gives exactly what a fresh ingest gives.
 *
 * Ownership: struct px_reload is heap-owned (px_reload_new/px_reload_free),
 * borrows the store and prepares its statements once. A reloaded document
 * is arena-owned as usual: the caller releases it with px_doc_release().
 */
#ifndef PX_RELOAD_H
#define PX_RELOAD_H

#include "buf.h"
#include "diag.h"
#include "doc.h"
#include "extract.h"
#include "store.h"

#include <stdint.h>

struct px_reload;

/* The offset maps of doc as one blob, appended to b. Pure: any thread. */
void px_maps_encode(const struct px_doc *doc, struct px_buf *b);

/* Store a blob made by px_maps_encode() for doc_id in the current transaction. 0 or -1. */
int px_maps_put(struct px_store *st, int64_t doc_id, const struct px_buf *blob, struct px_diag *dg);

/* Delete the maps of doc_id in the current transaction (none stored is fine). 0 or -1. */
int px_maps_drop(struct px_store *st, int64_t doc_id, struct px_diag *dg);

/* Prepare the statements. NULL on failure (reported). */
struct px_reload *px_reload_new(struct px_store *st, struct px_diag *dg);
void px_reload_free(struct px_reload *rl);

/*
 * The ids of the stored documents in export order (doc key, then format);
 * key == NULL for all, else those whose doc key (or "key.format") is key.
 * *ids is heap-owned: the caller frees it with free(). Ids only, so a listing
 * of a whole archive stays small. Returns 0, or -1 (reported).
 */
int px_reload_ids(struct px_reload *rl, const char *key, int64_t **ids, size_t *n,
                  struct px_diag *dg);

/*
 * Rebuild the stored document doc_id (path and format as stored) into doc,
 * which this function initialises: blocks, tables, rows, cells, spans,
 * locators and offset maps. doc->src is NULL (the source is not kept).
 * *has_maps is 0 when the document was stored without maps (an older
 * database): spans of a reextraction then fall back to block starts.
 * Returns 0, or -1 on a database failure (reported; doc is released).
 */
int px_reload_doc(struct px_reload *rl, int64_t doc_id, struct px_doc *doc, int *has_maps,
                  struct px_diag *dg);

#endif

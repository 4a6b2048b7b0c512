/*
 * normalize — one spelling for Vietnamese text (ICU), with offsets kept.
 *
 * Includes buf.h, doc.h, diag.h. Used by extraction, the store and the CLI.
 *
 * What "normalised" means here (PX_NORM_TEXT):
 *   - Unicode NFC (ICU normalizer2, quick-check fast path first);
 *   - one tone placement, the traditional one used by the spec's canonical
 *     names: hoá -> hóa, uỷ -> ủy, thuỷ -> thủy (word-final oa/oe/uy only,
 *     and never after "q": "quý" stays);
 *   - U+00D0 (Ð, Icelandic eth, typed for Đ) -> U+0110 Đ; U+00F0 -> đ;
 *   - zero-width characters (ZWSP, ZWNJ, ZWJ, BOM, soft hyphen) removed;
 *   - NBSP and other space separators -> ' '; runs of spaces/tabs -> one
 *     space; spaces around a newline dropped; runs of newlines -> one '\n'
 *     (PX_NORM_ONELINE turns newlines into spaces); trimmed at both ends.
 * PX_NORM_KEY additionally case-folds (ICU u_strFoldCase): the match key
 * that rules and alias tables are compared on.
 *
 * Offsets: every output byte maps back to an input byte (map[i] = offset in
 * the input of output byte i; map[out_len] = input length), so a match on
 * normalised or key text cites the source.
 */
#ifndef PX_NORMALIZE_H
#define PX_NORMALIZE_H

#include "buf.h"
#include "diag.h"
#include "doc.h"

#include <stdint.h>

enum px_norm_flags {
    PX_NORM_TEXT = 0,         /* the default described above */
    PX_NORM_KEY = 1 << 0,     /* also case-fold */
    PX_NORM_ONELINE = 1 << 1, /* newlines become spaces */
};

struct px_normalizer; /* ICU handles, created once per run; not thread-safe, one per thread */

/* Returns NULL (and reports into dg) when ICU cannot be set up. Caller frees with
 * px_normalizer_free. */
struct px_normalizer *px_normalizer_new(struct px_diag *dg);
void px_normalizer_free(struct px_normalizer *nz);

/*
 * Normalise s[0..len) (valid UTF-8) into out (cleared first). If map is not
 * NULL, *map receives a heap array of out->len + 1 input offsets (caller
 * frees with free()). Returns 0, or -1 on an ICU failure (reported).
 */
int px_normalize(struct px_normalizer *nz, const char *s, size_t len, unsigned flags,
                 struct px_buf *out, uint32_t **map, struct px_diag *dg);

/* Convenience: normalised copy in an arena (no map). */
char *px_normalize_arena(struct px_normalizer *nz, struct px_arena *a, const char *s, size_t len,
                         unsigned flags);

/*
 * The normalisation stage: rewrite in place (arena) every block's text,
 * number and every cell's text to PX_NORM_TEXT form, composing each
 * block/cell offset map so spans and offsets still point into doc->src.
 */
int px_normalize_doc(struct px_normalizer *nz, struct px_doc *doc, struct px_diag *dg);

#endif

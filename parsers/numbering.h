/*
 * numbering — the numbering markers that open a paragraph of a plan
 * ("II. NHIỆM VỤ", "1. Mục đích", "1.1. Tăng cường …", "a) Sở Tư pháp",
 * "- Đơn vị thực hiện: …") and how a numbered paragraph is typed.
 *
 * Includes nothing but the C library and doc.h (for the block type). Private
 * to parsers/: every parser types a numbered paragraph through this module,
 * so the text, HTML and DOCX parsers give the same block stream.
 *
 * Nothing is allocated: a marker is a pair of offsets into the caller's text.
 */
#ifndef PX_NUMBERING_H
#define PX_NUMBERING_H

#include "../pipeline/doc.h"

#include <stddef.h>

enum px_marker_kind {
    PX_MARKER_NONE = 0,
    PX_MARKER_ROMAN,  /* "II." "IV)": a part of the plan */
    PX_MARKER_ARABIC, /* "1." "2)": a section */
    PX_MARKER_DOTTED, /* "1.1." "3.2.1": a sub-section; depth counts the numbers */
    PX_MARKER_LETTER, /* "a)" "đ)" "b.": an item, often an agency heading */
    PX_MARKER_BULLET, /* "-" "+" "•" "–": a bullet */
};

struct px_marker {
    enum px_marker_kind kind;
    size_t num_len;  /* the number as printed is text[0..num_len) ("II", "1.1", "a", "-") */
    size_t text_off; /* where the text after the marker and its spaces starts */
    int depth;       /* numbers in a dotted marker ("1.1" = 2); 1 otherwise */
};

/*
 * Recognise a marker at the start of s[0..len) (no leading space expected).
 * Returns 1 and fills m when s opens with a marker followed by a space (or a
 * non-breaking space) and more text; else returns 0 and m->kind = NONE.
 */
int px_marker_parse(const char *s, size_t len, struct px_marker *m);

/* Heading level a marker gives: roman 1, arabic 2, dotted 1 + depth, letter 3; 0 for bullets. */
int px_marker_level(const struct px_marker *m);

/*
 * Type of a numbered paragraph whose text after the marker is rest[0..len):
 * a heading when the marker is a section number and the text reads like a
 * title (short, no sentence punctuation at the end) or is all bold; a list
 * item otherwise. Bullets are always list items.
 */
enum px_block_type px_marker_block_type(const struct px_marker *m, const char *rest, size_t len,
                                        int bold);

#endif

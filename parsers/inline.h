/*
 * inline — inline markup of converter text: HTML fragments, markdown
 * emphasis, LaTeX math; rendered to plain UTF-8 with an offset map.
 *
 * Includes pipeline/buf.h and pipeline/doc.h. Private to parsers/ (the text
 * parser renders every line and cell through it; the HTML and DOCX parsers
 * may render a cell whose text still holds markup).
 *
 * What a render does to a source range:
 *   - HTML (only when the range holds a tag or an entity, else libxml2 is
 *     not called): parsed with libxml2's HTML parser, network and error
 *     output off; text nodes are kept, <br>, <p>, <div>, <li>, <tr> become
 *     '\n'; spaces are collapsed the way a browser shows them;
 *   - markdown emphasis: "**" and flanking "*" are dropped; "\X" escapes of
 *     ASCII punctuation keep X;
 *   - LaTeX math "$…$": \geq -> ≥, \leq -> ≤, \times -> ×, \pm -> ±, \% -> %
 *     (table in inline.c), braces and the '$' delimiters dropped.
 *
 * Offsets: struct px_inline records checkpoints (text offset -> source
 * offset, line) whenever the output stops being a verbatim copy, so every
 * output byte maps back to the source byte it came from (doc.h px_offmap).
 *
 * Ownership: a struct px_inline owns its buffers (heap); px_inline_release
 * frees them. px_inline_attach copies text and map into the document's
 * arena.
 */
#ifndef PX_INLINE_H
#define PX_INLINE_H

#include "../pipeline/buf.h"
#include "../pipeline/doc.h"

#include <stddef.h>
#include <stdint.h>

struct px_inline {
    struct px_buf text;
    struct px_offmap_point *pts; /* heap-owned, sorted by .text */
    size_t n, cap;
    uint64_t next_src; /* source offset that continues the last verbatim copy */
    int exact;         /* 1 while text is one verbatim copy of the source */
};

void px_inline_init(struct px_inline *in);
void px_inline_release(struct px_inline *in);
/* Forget the text and checkpoints, keep the allocations. */
void px_inline_clear(struct px_inline *in);

/* Copy src[off..off+len) verbatim (line = its source line). */
void px_inline_copy(struct px_inline *in, const char *src, uint64_t off, size_t len, uint32_t line);
/* Append text that stands for the source at src_off (a replacement or a joiner). */
void px_inline_replace(struct px_inline *in, const char *s, size_t len, uint64_t src_off,
                       uint32_t line);
/* Drop trailing ASCII spaces and tabs (and their checkpoints). */
void px_inline_rtrim(struct px_inline *in);

/* Render src[start..end) (one source line or part of it) with the markup rules above. */
void px_inline_render(struct px_inline *in, const char *src, size_t start, size_t end,
                      uint32_t line);

/* True when src[start..end) holds an HTML tag or entity (libxml2 will be used). */
int px_inline_has_html(const char *src, size_t start, size_t end);

/*
 * Copy the rendered text into the document's arena (*text) and, unless the
 * text is one verbatim copy starting at span_byte, its checkpoints into *map.
 */
void px_inline_attach(struct px_doc *doc, const struct px_inline *in, uint64_t span_byte,
                      char **text, struct px_offmap *map);

#endif

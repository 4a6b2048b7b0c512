/*
 * html_internal — pieces shared by the HTML parser's files (html.c, the
 * block walk; html_table.c, tables as grids). Private to those two files.
 *
 * Includes libxml2's tree, parse.h and buf.h. Nothing here outlives one call
 * of px_parse_html(): the libxml2 tree is freed at its end, and everything
 * kept goes into the document's arena.
 */
#ifndef PX_HTML_INTERNAL_H
#define PX_HTML_INTERNAL_H

#include "parse.h"

#include <libxml/tree.h>

/*
 * Text accumulator: collapses HTML white space the way a browser does
 * (runs of space/tab/newline become one space, none at a line start or
 * end), keeps U+00A0, and counts bold/italic letters to flag whole-bold
 * blocks. buf never ends with a space; lines are separated by '\n'.
 */
struct html_acc {
    struct px_buf buf;
    int space;                  /* a space is owed before the next visible character */
    size_t bold, italic, plain; /* visible bytes written in each style */
};

/* Inline state while walking: nesting counters of style elements. */
struct html_style {
    int bold, italic, sup, pre;
};

void html_acc_text(struct html_acc *a, const char *s, const struct html_style *st);
void html_acc_newline(struct html_acc *a);
void html_acc_reset(struct html_acc *a);
/* Append the locator step "name[n]" to b (what "%s[%zu]" prints, without printf). */
void html_buf_step(struct px_buf *b, const char *name, size_t n);

/* Iterative pre-order walk (no recursion: a 10,000-deep tree costs no stack). */
struct html_walk_ops {
    int (*enter)(void *ctx, xmlNode *n);  /* non-zero: descend into n's children */
    void (*leave)(void *ctx, xmlNode *n); /* called for every entered node */
};
void html_walk(xmlNode *root, const struct html_walk_ops *ops, void *ctx);

/* Case-insensitive element name test (libxml2 lower-cases HTML names already). */
int html_is(const xmlNode *n, const char *name);
/* Elements whose content never reaches the text: script, style, head, … */
int html_is_hidden(const xmlNode *n);
/* Elements that start a new line of text (block-level elements and <br>). */
int html_is_block(const xmlNode *n);
/* Style counters: enter adds, leave subtracts the same amounts. */
void html_style_update(struct html_style *st, const xmlNode *n, int sign);
/* Integer attribute in [lo, hi]; def when absent or not a number. */
long html_attr_long(const xmlNode *n, const char *name, long def, long lo, long hi);
long html_line(const xmlNode *n);

/* What the block walk shares with the table builder. */
struct html_ctx {
    struct px_doc *doc;
    struct px_diag *dg;
    uint64_t stream; /* offset in the extracted text stream (see html.c) */
    size_t ntables;  /* tables seen, for locators "table[N]" */
};

/* Build the table rooted at n as one PX_BLOCK_TABLE block (the caller flushed text first). */
void html_table(struct html_ctx *c, xmlNode *table);

#endif

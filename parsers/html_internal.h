/*
 * html_internal — pieces shared by the HTML parser's files (html.c, the
 * block walk; html_tree.c, the element tree; html_table.c, tables as grids;
 * html_util.c, text and element tests). Private to those files.
 *
 * Includes libxml2's tree, parse.h and arena.h. Nothing here outlives one
 * call of px_parse_html(): the element tree lives in an arena released at
 * its end, and everything kept goes into the document's arena.
 */
#ifndef PX_HTML_INTERNAL_H
#define PX_HTML_INTERNAL_H

#include "parse.h"

#include "../pipeline/arena.h"

#include <libxml/tree.h>

/*
 * The element tree the walk reads: what libxml2's HTML parser would build
 * for the page, reduced to what the walk needs. html_tree.c builds it
 * straight from the bytes when the page is in the plain subset of HTML it
 * reads exactly as libxml2 does, else from libxml2's own tree.
 */
struct html_attr {
    const char *name;  /* lower case */
    const char *value; /* "" when the attribute has no value */
    struct html_attr *next;
};

struct html_node {
    int type;            /* XML_ELEMENT_NODE or XML_TEXT_NODE */
    const char *name;    /* elements: lower-case tag name */
    const char *content; /* text: len bytes, no NUL inside (not NUL-terminated) */
    size_t len;
    long line; /* source line as libxml2's xmlGetLineNo() gives it, 0 when unknown */
    struct html_node *parent, *children, *last, *next;
    struct html_attr *properties;
};

struct html_tree {
    struct px_arena arena;  /* owns every node, attribute and decoded text */
    struct html_node *body; /* <body>, else the root element; NULL when none */
};

/* The tree of UTF-8 text s[0..len), which must outlive it: 0, or -1 when it has no element. */
int html_tree_build(struct html_tree *t, const char *path, const char *s, size_t len);
void html_tree_release(struct html_tree *t);
/* The value of attribute name (lower case) of n, or NULL. */
const char *html_attr(const struct html_node *n, const char *name);

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

void html_acc_text(struct html_acc *a, const char *s, size_t len, const struct html_style *st);
void html_acc_newline(struct html_acc *a);
void html_acc_reset(struct html_acc *a);
/* Append the locator step "name[n]" to b (what "%s[%zu]" prints, without printf). */
void html_buf_step(struct px_buf *b, const char *name, size_t n);

/* Iterative pre-order walk (no recursion: a 10,000-deep tree costs no stack). */
struct html_walk_ops {
    int (*enter)(void *ctx, struct html_node *n);  /* non-zero: descend into n's children */
    void (*leave)(void *ctx, struct html_node *n); /* called for every entered node */
};
void html_walk(struct html_node *root, const struct html_walk_ops *ops, void *ctx);

/* Element name test (names are lower case). */
int html_is(const struct html_node *n, const char *name);
/* Elements whose content never reaches the text: script, style, head, … */
int html_is_hidden(const struct html_node *n);
/* Elements that start a new line of text (block-level elements and <br>). */
int html_is_block(const struct html_node *n);
/* Style counters: enter adds, leave subtracts the same amounts. */
void html_style_update(struct html_style *st, const struct html_node *n, int sign);
/* Integer attribute in [lo, hi]; def when absent or not a number. */
long html_attr_long(const struct html_node *n, const char *name, long def, long lo, long hi);
long html_line(const struct html_node *n);

/* What the block walk shares with the table builder. */
struct html_ctx {
    struct px_doc *doc;
    struct px_diag *dg;
    uint64_t stream; /* offset in the extracted text stream (see html.c) */
    size_t ntables;  /* tables seen, for locators "table[N]" */
};

/* Build the table rooted at n as one PX_BLOCK_TABLE block (the caller flushed text first). */
void html_table(struct html_ctx *c, struct html_node *table);

#endif

/*
 * doc — the block stream: what every parser produces and every later stage reads.
 *
 * Includes buf.h and arena.h. Parsers fill a struct px_doc; normalisation,
 * extraction, the store and the dumps read it. Nothing here does I/O.
 *
 * Ownership: a struct px_doc owns its arena; every block, table, row, cell,
 * string and offset map reachable from it is arena-owned and lives until
 * px_doc_release(). The source bytes are borrowed (doc->src) and must stay
 * valid as long as the document is used.
 *
 * Spans: every block, row and cell keeps where it came from in the input
 * as read: 1-based line of its first source line, byte offset and length.
 * For DOCX/HTML the offsets are in the extracted text stream and `locator`
 * (blocks and cells) names the format's own position: DOCX "p12", "t1" and
 * "t1/r3/c2" (table, w:tr, w:tc), HTML "p[12]", "table[2]" and
 * "table[2]/tbody[1]/tr[3]/td[2]" (an XPath step per element). A locator is
 * arena-owned, or NULL when unknown (text input; grid slots with no cell
 * element of their own; documents read back from the store, which keeps
 * block locators but not cell locators).
 *
 * Offset maps: a block's text is not always a contiguous copy of the source
 * (markup removed, continuation rows joined). A struct px_offmap records
 * checkpoints (text offset -> source offset); between two checkpoints the
 * text is a verbatim copy. px_offmap_lookup() maps a text offset back.
 */
#ifndef PX_DOC_H
#define PX_DOC_H

#include "arena.h"
#include "buf.h"

#include <stddef.h>
#include <stdint.h>

struct px_span {
    uint32_t line; /* 1-based line of the first source line; 0 when unknown */
    uint64_t byte; /* byte offset in the input as read (or extracted text stream) */
    uint64_t len;  /* byte length in that input */
};

struct px_offmap_point {
    uint32_t text; /* offset in the block/cell text */
    uint64_t src;  /* matching offset in the input */
    uint32_t line; /* source line at src */
};

struct px_offmap {
    struct px_offmap_point *pts; /* arena-owned, sorted by .text */
    size_t n, cap;
};

enum px_format {
    PX_FMT_UNKNOWN = 0,
    PX_FMT_TEXT,
    PX_FMT_HTML,
    PX_FMT_DOCX,
};

enum px_block_type {
    PX_BLOCK_HEADING,   /* a title or section heading: level 1.. and maybe a number */
    PX_BLOCK_PARAGRAPH, /* running text */
    PX_BLOCK_LIST_ITEM, /* "- …", "+ …", "a) …", "1. …" items that are not headings */
    PX_BLOCK_FOOTNOTE,  /* "[1] …" / "^1^ …" / a real footnote */
    PX_BLOCK_TABLE,     /* rows × cells */
};

/* Block flags. */
enum px_block_flags {
    PX_BLOCK_BOLD = 1 << 0,   /* the whole block was bold (often a heading in converter text) */
    PX_BLOCK_ITALIC = 1 << 1, /* the whole block was italic */
    PX_BLOCK_CAPS = 1 << 2,   /* the whole text is upper case */
};

struct px_cell {
    char *text; /* inline markup removed, <br>/<li> become '\n'; never NULL */
    struct px_span span;
    struct px_offmap map;
    uint32_t colspan, rowspan; /* 1 when not merged (HTML/DOCX fill the grid anyway) */
    char *locator;             /* format locator (see Spans above) or NULL */
};

struct px_row {
    int header;       /* non-zero for a header row (incl. the 2nd row of a two-row header) */
    int continuation; /* non-zero when this row was merged from a page-break continuation */
    size_t ncells;
    struct px_cell *cells; /* arena-owned */
    struct px_span span;
};

struct px_table {
    size_t nrows;
    struct px_row *rows; /* arena-owned */
    size_t ncols;        /* widest row */
};

struct px_block {
    enum px_block_type type;
    unsigned flags; /* enum px_block_flags */
    int level;      /* heading level 1..6; list depth 1..; 0 otherwise */
    /* the marker as printed, without a trailing '.' or ')': "II", "3", "3.1", "a", "-"; or NULL */
    char *number;
    char *text;             /* text after the marker, markup removed; "" for tables */
    struct px_table *table; /* for PX_BLOCK_TABLE, else NULL */
    struct px_span span;
    struct px_offmap map; /* text offsets -> source; may be empty (then text starts at span.byte) */
    char *locator;        /* format locator or NULL */
};

struct px_doc {
    char *name; /* arena-owned: base name without extension (the export's "doc") */
    char *path; /* arena-owned: path as given */
    enum px_format format;
    const unsigned char *src; /* borrowed: the input as read */
    size_t src_len;
    struct px_block *blocks; /* arena-owned */
    size_t nblocks, cap;
    struct px_arena arena;
};

void px_doc_init(struct px_doc *doc, const char *path, enum px_format fmt, const unsigned char *src,
                 size_t len);
void px_doc_release(struct px_doc *doc);

/* Append a zeroed block of the given type; returns a pointer valid until the next append. */
struct px_block *px_doc_add_block(struct px_doc *doc, enum px_block_type type);

/* Table building (arena-owned). */
struct px_table *px_table_new(struct px_doc *doc);
struct px_row *px_table_add_row(struct px_doc *doc, struct px_table *t);
struct px_cell *px_row_add_cell(struct px_doc *doc, struct px_row *r, const char *text, size_t len);

void px_offmap_add(struct px_doc *doc, struct px_offmap *m, size_t text_off, uint64_t src_off,
                   uint32_t line);
/* Map a text offset back to a source offset (and its line, if line != NULL).
 * With an empty map, returns base + text_off and base_line. */
uint64_t px_offmap_lookup(const struct px_offmap *m, size_t text_off, uint64_t base,
                          uint32_t base_line, uint32_t *line);

const char *px_format_name(enum px_format fmt);
enum px_format px_format_from_name(const char *name);
const char *px_block_type_name(enum px_block_type t);

/* Base name of a path without directory and extension, into the doc's arena. */
char *px_doc_key_from_path(struct px_arena *a, const char *path);

#endif

/*
 * docx_internal — private parts of the DOCX parser (parsers/docx*.c only).
 *
 * Includes parse.h and libxml2's xmlreader.h. Included by parsers/docx.c,
 * parsers/docx_numbering.c and the DOCX fuzz target/unit test (which call
 * px_docx_parse_parts on XML bytes directly, without a zip around them).
 *
 * What lives here:
 *   - struct px_docx_defs: paragraph styles (styles.xml) and list
 *     definitions (numbering.xml) of one document, with the list counters
 *     that automatic numbering advances while document.xml is read;
 *   - the XML reader set-up shared by every part (safe options: no network,
 *     no entity expansion, no DTD loading, no "huge" mode);
 *   - px_docx_parse_parts: the whole parser after the zip container.
 *
 * Ownership: everything a struct px_docx_defs holds is arena-owned by the
 * document it was loaded for; px_docx_defs_init only zeroes it, and there
 * is nothing to free.
 */
#ifndef PX_DOCX_INTERNAL_H
#define PX_DOCX_INTERNAL_H

#include "parse.h"

#include <libxml/xmlreader.h>
#include <stddef.h>

/* Word keeps nine list levels (w:ilvl 0..8). */
#define PX_DOCX_LEVELS 9
/* Deeper element nesting than this is hostile, not a document. */
#define PX_DOCX_MAX_DEPTH 256

enum px_docx_numfmt {
    PX_DOCX_FMT_DECIMAL,
    PX_DOCX_FMT_DECIMAL_ZERO,
    PX_DOCX_FMT_LOWER_LETTER,
    PX_DOCX_FMT_UPPER_LETTER,
    PX_DOCX_FMT_LOWER_ROMAN,
    PX_DOCX_FMT_UPPER_ROMAN,
    PX_DOCX_FMT_BULLET,
    PX_DOCX_FMT_NONE,
};

struct px_docx_lvl {
    int defined;             /* non-zero when numbering.xml had this w:lvl */
    enum px_docx_numfmt fmt; /* w:numFmt */
    char *text;              /* w:lvlText ("%1.", "%1.%2."), arena-owned, never NULL once defined */
    int start;               /* w:start, 1 when absent */
};

struct px_docx_abstract {
    long id; /* w:abstractNumId */
    struct px_docx_lvl lvl[PX_DOCX_LEVELS];
    int counter[PX_DOCX_LEVELS]; /* last number shown at each level; 0 = not started */
};

struct px_docx_num {
    long id;                                /* w:numId */
    long abstract_id;                       /* w:abstractNumId */
    int restart[PX_DOCX_LEVELS];            /* w:startOverride value, 0 when none */
    struct px_docx_lvl lvl[PX_DOCX_LEVELS]; /* w:lvlOverride/w:lvl */
    int used; /* an override restarts the list the first time the num is used */
};

/* A style's own settings; -1 means "not set here, ask the style it is based on". */
struct px_docx_style {
    char *id;       /* w:styleId, arena-owned */
    char *based_on; /* w:basedOn or NULL */
    int heading;    /* 1..9 for "heading N", 0 when not a heading style, -1 unknown */
    int title;      /* non-zero for the "Title" style */
    int outline;    /* w:outlineLvl 0..8, -1 unset */
    long num_id;    /* w:numPr/w:numId, -1 unset */
    int ilvl;       /* w:numPr/w:ilvl, -1 unset */
    int bold;       /* w:rPr/w:b, -1 unset */
};

/* What a paragraph style amounts to after following w:basedOn. */
struct px_docx_pstyle {
    int heading; /* 0 none, else level 1.. (from "heading N" or w:outlineLvl) */
    int title;
    long num_id; /* 0 when the style carries no numbering */
    int ilvl;
    int bold;
};

struct px_docx_defs {
    struct px_docx_abstract *abstracts;
    size_t nabstracts;
    struct px_docx_num *nums;
    size_t nnums;
    struct px_docx_style *styles;
    size_t nstyles;
    const char *default_pstyle; /* id of the w:default="1" paragraph style, or NULL */
};

void px_docx_defs_init(struct px_docx_defs *defs);

/*
 * Load numbering.xml / styles.xml (len may be 0: nothing to load). A broken
 * part is a PX_WARNING naming `where` (e.g. "x.docx:word/styles.xml"); the
 * document is still read, without automatic numbers or styles.
 */
void px_docx_load_numbering(struct px_docx_defs *defs, struct px_doc *doc, const char *xml,
                            size_t len, const char *where, struct px_diag *dg);
void px_docx_load_styles(struct px_docx_defs *defs, struct px_doc *doc, const char *xml, size_t len,
                         const char *where, struct px_diag *dg);

/* Resolve a paragraph style id (NULL: the default paragraph style) through w:basedOn. */
void px_docx_style_resolve(const struct px_docx_defs *defs, const char *style_id,
                           struct px_docx_pstyle *out);
/* Bold setting of a character style (w:rStyle), -1 when it says nothing. */
int px_docx_char_style_bold(const struct px_docx_defs *defs, const char *style_id);

/*
 * Advance the counters of list num_id at level ilvl (lower levels restart)
 * and render the marker the reader sees into marker (cleared first), e.g.
 * "II.", "1.2.", "a)". Returns 1 for a numbered marker, 2 for a bullet
 * (marker is then "-"), 0 when the paragraph shows no marker (unknown list,
 * numId 0, w:numFmt none).
 */
int px_docx_number_next(struct px_docx_defs *defs, long num_id, int ilvl, struct px_buf *marker);

/* The first error libxml2 reported on a reader (it never prints: we keep it here). */
struct px_docx_xmlerr {
    int seen;
    long line;
    char msg[200];
};

/*
 * Open an XML reader over bytes with the safe options (see the top comment);
 * errors go into *err, which must outlive the reader. NULL on failure.
 */
xmlTextReaderPtr px_docx_reader_open(const char *xml, size_t len, const char *url,
                                     struct px_docx_xmlerr *err);
/* Value of the attribute `local` in the element's own namespace (w:val...), or NULL; xmlFree it. */
char *px_docx_attr(xmlTextReaderPtr r, const char *local);
/* The same attribute as a whole number, or dflt when absent or not a number. */
long px_docx_attr_long(xmlTextReaderPtr r, const char *local, long dflt);
/* Non-zero when a w:val-like switch is off ("0", "false", "off", "none"). */
int px_docx_val_is_off(const char *val);

/*
 * The DOCX parser after the container: parts as bytes (any may be NULL/0
 * except document_xml). Appends blocks to doc, reports into dg; returns 0,
 * or -1 after one PX_ERROR when document.xml cannot be read (malformed XML,
 * a DTD, too deep). Diagnostics name doc->path and the part.
 */
int px_docx_parse_parts(struct px_doc *doc, const char *document_xml, size_t document_len,
                        const char *numbering_xml, size_t numbering_len, const char *styles_xml,
                        size_t styles_len, const char *footnotes_xml, size_t footnotes_len,
                        struct px_diag *dg);

#endif

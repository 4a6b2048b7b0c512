/*
 * docx_internal — private parts of the DOCX parser (parsers/docx*.c only).
 *
 * Includes parse.h. Included by parsers/docx.c, parsers/docx_numbering.c,
 * parsers/docx_xml.c and the DOCX fuzz target/unit test (which call
 * px_docx_parse_parts on XML bytes directly, without a zip around them).
 *
 * What lives here:
 *   - struct px_docx_defs: paragraph styles (styles.xml) and list
 *     definitions (numbering.xml) of one document, with the list counters
 *     that automatic numbering advances while document.xml is read;
 *   - the XML events every part is read through (docx_xml.c: a fast
 *     scanner for the UTF-8 subset Word writes, libxml2 SAX2 for the rest;
 *     no network, no entity expansion, no DTD, no "huge" mode);
 *   - px_docx_parse_parts: the whole parser after the zip container.
 *
 * Ownership: everything a struct px_docx_defs holds is arena-owned by the
 * document it was loaded for; px_docx_defs_init only zeroes it, and there
 * is nothing to free.
 */
#ifndef PX_DOCX_INTERNAL_H
#define PX_DOCX_INTERNAL_H

#include "parse.h"

#include <stddef.h>
#include <stdint.h>

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
/* Bold setting of a character style (w:rStyle), -1 when it says nothing (or id.p is NULL). */
int px_docx_char_style_bold(const struct px_docx_defs *defs, struct px_str style_id);

/*
 * Advance the counters of list num_id at level ilvl (lower levels restart)
 * and render the marker the reader sees into marker (cleared first), e.g.
 * "II.", "1.2.", "a)". Returns 1 for a numbered marker, 2 for a bullet
 * (marker is then "-"), 0 when the paragraph shows no marker (unknown list,
 * numId 0, w:numFmt none).
 */
int px_docx_number_next(struct px_docx_defs *defs, long num_id, int ilvl, struct px_buf *marker);

/* The first error the XML layer met (libxml2's message, or the one libxml2 would give). */
struct px_docx_xmlerr {
    int seen;
    long line;
    char msg[200];
};

/* Element local names the parts' readers act on, looked up once per element (docx_xml.c). */
#define PX_DOCX_NAMES(X)                                                                           \
    X(P, "p")                                                                                      \
    X(R, "r")                                                                                      \
    X(T, "t")                                                                                      \
    X(PPR, "pPr")                                                                                  \
    X(RPR, "rPr")                                                                                  \
    X(TAB, "tab")                                                                                  \
    X(BR, "br")                                                                                    \
    X(CR, "cr")                                                                                    \
    X(NO_BREAK_HYPHEN, "noBreakHyphen")                                                            \
    X(SYM, "sym")                                                                                  \
    X(FOOTNOTE_REFERENCE, "footnoteReference")                                                     \
    X(B, "b")                                                                                      \
    X(RSTYLE, "rStyle")                                                                            \
    X(PSTYLE, "pStyle")                                                                            \
    X(NUM_ID, "numId")                                                                             \
    X(ILVL, "ilvl")                                                                                \
    X(OUTLINE_LVL, "outlineLvl")                                                                   \
    X(TBL, "tbl")                                                                                  \
    X(TR, "tr")                                                                                    \
    X(TC, "tc")                                                                                    \
    X(TBL_HEADER, "tblHeader")                                                                     \
    X(GRID_BEFORE, "gridBefore")                                                                   \
    X(GRID_AFTER, "gridAfter")                                                                     \
    X(GRID_SPAN, "gridSpan")                                                                       \
    X(VMERGE, "vMerge")                                                                            \
    X(DEL, "del")                                                                                  \
    X(MOVE_FROM, "moveFrom")                                                                       \
    X(DEL_TEXT, "delText")                                                                         \
    X(INSTR_TEXT, "instrText")                                                                     \
    X(FALLBACK, "Fallback")                                                                        \
    X(SECT_PR, "sectPr")                                                                           \
    X(PPR_CHANGE, "pPrChange")                                                                     \
    X(RPR_CHANGE, "rPrChange")                                                                     \
    X(TBL_PR_CHANGE, "tblPrChange")                                                                \
    X(TR_PR_CHANGE, "trPrChange")                                                                  \
    X(TC_PR_CHANGE, "tcPrChange")                                                                  \
    X(FOOTNOTE_PR, "footnotePr")                                                                   \
    X(ENDNOTE_PR, "endnotePr")                                                                     \
    X(COMMENTS, "comments")                                                                        \
    X(COMMENT_RANGE_START, "commentRangeStart")                                                    \
    X(FOOTNOTE, "footnote")                                                                        \
    X(ABSTRACT_NUM, "abstractNum")                                                                 \
    X(NUM, "num")                                                                                  \
    X(ABSTRACT_NUM_ID, "abstractNumId")                                                            \
    X(LVL_OVERRIDE, "lvlOverride")                                                                 \
    X(START_OVERRIDE, "startOverride")                                                             \
    X(LVL, "lvl")                                                                                  \
    X(START, "start")                                                                              \
    X(NUM_FMT, "numFmt")                                                                           \
    X(LVL_TEXT, "lvlText")                                                                         \
    X(STYLE, "style")                                                                              \
    X(NAME, "name")                                                                                \
    X(BASED_ON, "basedOn")                                                                         \
    X(DOC_DEFAULTS, "docDefaults")                                                                 \
    X(LATENT_STYLES, "latentStyles")                                                               \
    X(TBL_STYLE_PR, "tblStylePr")

#define PX_DOCX_NAME_ENUM(id, text) PX_N_##id,
enum px_docx_name { PX_N_OTHER, PX_DOCX_NAMES(PX_DOCX_NAME_ENUM) PX_N_COUNT };
#undef PX_DOCX_NAME_ENUM

/* An attribute as the parts use it: value with references decoded and white space normalised. */
struct px_docx_attr {
    struct px_str local;
    struct px_str uri; /* p NULL: no namespace */
    struct px_str value;
};

/*
 * A start tag. Everything it points to lives until the start handler
 * returns. Only named elements carry their attributes (nattrs is 0 for
 * PX_N_OTHER): no reader asks for the others'.
 */
struct px_docx_elem {
    enum px_docx_name name; /* PX_N_OTHER for every name not listed (and unbound prefixes) */
    struct px_str uri;      /* the element's namespace URI; p NULL: none */
    const struct px_docx_attr *attrs;
    size_t nattrs;
    uint32_t line; /* the line where the start tag ends */
};

/*
 * What a part reader does with the events. start returns non-zero to skip
 * the element's subtree (its content and its end event never arrive). text
 * is character data in document order, references decoded; one run of
 * text may arrive in several pieces (each a whole number of characters).
 */
struct px_docx_sink {
    int (*start)(void *ctx, const struct px_docx_elem *e);
    void (*end)(void *ctx, enum px_docx_name name);
    void (*text)(void *ctx, const char *s, size_t n);
    void *ctx;
};

enum px_docx_xml_rc {
    PX_DOCX_XML_OK = 0,
    PX_DOCX_XML_MALFORMED = -1, /* not well-formed XML; *err says why */
    PX_DOCX_XML_DTD = -2,       /* a document type declaration (refused, never read) */
    PX_DOCX_XML_DEEP = -3,      /* content nested deeper than PX_DOCX_MAX_DEPTH */
};

/*
 * Parse one part, calling sink as it goes. Safe by construction: no
 * network, no DTD (refused), no entity expansion beyond XML's five and
 * character references. A fast scanner reads the UTF-8 subset Word writes;
 * anything else (another encoding, CDATA, comments, a DTD, an error) is
 * read by libxml2's SAX2 parser instead, before any event was sent, so the
 * result and the error messages are libxml2's. *err is cleared first.
 */
enum px_docx_xml_rc px_docx_xml_parse(const char *xml, size_t len, const char *url,
                                      const struct px_docx_sink *sink, struct px_docx_xmlerr *err);

/* Value of the attribute `local` in the element's own namespace, else without one; p NULL if
 * absent. */
struct px_str px_docx_attr(const struct px_docx_elem *e, const char *local);
/* The same attribute as a whole number (strtol), or dflt when absent or not a number. */
long px_docx_attr_long(const struct px_docx_elem *e, const char *local, long dflt);
/* Non-zero when a w:val-like switch is off ("0", "false", "off", "none"); absent is on. */
int px_docx_val_is_off(struct px_str val);
/* Non-zero when val is present and equals s. */
int px_docx_val_eq(struct px_str val, const char *s);
/* w: (transitional or strict) and m: elements carry text; a:t of drawings does not. */
int px_docx_text_ns(const struct px_docx_elem *e);

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

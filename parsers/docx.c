/*
 * docx — Word .docx in, block stream out (libzip + the XML events of docx_xml.c).
 *
 * The container: the zip is opened read-only from memory and only the parts
 * the text needs are read: [Content_Types].xml (to confirm a Word document),
 * word/document.xml, word/numbering.xml, word/styles.xml and
 * word/footnotes.xml. Every part is bounded (entry count, uncompressed size
 * per part and in total, compression ratio) from its zip header AND while it
 * inflates, because a header can lie. Headers and footers are never read.
 *
 * The body: document.xml is read as events (no DOM); paragraphs become blocks,
 * tables become PX_BLOCK_TABLE with the grid filled (w:gridSpan: the first
 * slot holds the text, the others are empty, as a text table shows them;
 * w:vMerge: continued slots of data rows repeat the text of the first cell,
 * header rows leave them empty since their text is read by stacking header
 * rows). Automatic numbering is rendered from numbering.xml/styles.xml
 * (docx_numbering.c), and every paragraph is typed through the shared marker
 * rules (numbering.h), so a DOCX gives the block stream its text version gives.
 *
 * Spans: offsets are in the extracted text stream, which is the
 * concatenation of every block's text followed by '\n'; a table contributes
 * its cells instead, each followed by '\t' ('\n' after the last cell of a
 * row). Marker numbers are not part of the stream. span.line is the XML line
 * of the element in its part; locator is "p<N>" (N = 1-based index of the
 * w:p in document.xml), "t<T>" for the T-th top-level table, "fn<ID>" for a
 * footnote; a cell's is "t<T>/r<R>/c<C>" (the R-th w:tr of the table, the
 * C-th w:tc of the row), and grid slots no w:tc of their own fills
 * (gridBefore, gridAfter, the rest of a gridSpan) have none. Diagnostics
 * name `file.docx:word/document.xml:p<N>`, N the paragraph being read when
 * the error was met.
 */
#include "docx_internal.h"
#include "headerwords.h"
#include "numbering.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <zip.h>

#include "../pipeline/banned.h"

/* A DOCX has a few dozen entries; thousands is a hostile archive. */
#define MAX_ENTRIES 10000
/* The largest real document.xml we have met is a few MiB; 64 MiB is ample. */
#define MAX_PART ((uint64_t)64 << 20)
#define MAX_TOTAL ((uint64_t)128 << 20)
/* XML compresses ~10:1 to 30:1; past 200:1 on a big part it is a zip bomb. */
#define BOMB_RATIO 200
#define BOMB_MIN ((uint64_t)1 << 20)
/* Tables wider than this are not plans; it bounds the merge bookkeeping. */
#define MAX_COLS 256
/* Header cells are short labels ("Cơ quan chủ trì"). */

/* ---------------------------------------------------------------- state -- */

struct para {
    struct px_buf text;
    char *style; /* w:pStyle (malloc) or NULL */
    long num_id;
    int ilvl;
    int has_num; /* the paragraph's own w:numPr (numId 0 there removes numbering) */
    int outline; /* own w:outlineLvl, -1 unset */
    int any_text, nonbold, unset_bold;
    int nested; /* text-box paragraphs inside this one */
    unsigned long index;
    uint32_t line;
};

struct tbuild {
    struct px_table *t;
    struct px_row *row;
    int all_header; /* every row so far is a header row */
    int row_header; /* w:tblHeader on the current row */
    int grid_before, grid_after, cells_in_row;
    struct px_buf cell;
    int span, vmerge; /* vmerge: 0 none, 1 restart, 2 continue */
    uint32_t line, cell_line;
    size_t vm_origin[MAX_COLS];   /* 1 + row index of the cell a vertical merge started in */
    unsigned char cont[MAX_COLS]; /* continued slots of the current row */
};

struct footnote {
    long id;
    char *text; /* arena-owned */
    uint32_t line;
};

struct dx {
    struct px_doc *doc;
    struct px_diag *dg;
    struct px_docx_defs *defs;
    struct px_docx_xmlerr err;
    const char *path;
    int in_p, in_ppr, in_rpr, in_t, in_run;
    int run_bold, run_cstyle;
    struct para p;
    unsigned long npara;
    int tbl_depth;
    unsigned long ntables;
    struct tbuild tb;
    struct px_buf marker;
    long *fn_refs;
    size_t nfn_refs, fn_cap;
    long title_block;    /* index of the block from a "Title" paragraph, -1 none */
    struct px_str t_uri; /* the namespace of the last w:t, whether it carries text */
    int t_text_ns;
    /* The last paragraph style resolved (most paragraphs share a few styles). */
    int style_known;
    char *style_id; /* malloc, NULL: the default style */
    struct px_docx_pstyle style;
};

/* w:sym: Symbol/Wingdings code points live at F0xx; map the ones plans use. */
static uint32_t
symbol_char(uint32_t c)
{
    static const struct {
        uint16_t from, to;
    } map[] = {
        {0xB3, 0x2265}, {0xA3, 0x2264}, {0xB9, 0x2260}, {0xB1, 0x00B1}, {0xB4, 0x00D7},
        {0xB8, 0x00F7}, {0xAE, 0x2192}, {0xAC, 0x2190}, {0xB7, 0x2022}, {0xA5, 0x221E},
        {0xBB, 0x2248}, {0x2D, 0x2212}, {0xD7, 0x22C5}, {0xA7, 0x25AA}, {0xFC, 0x2713},
    };
    if (c >= 0xF000 && c <= 0xF0FF)
        c -= 0xF000;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].from == c)
            return map[i].to;
    return c >= 0x20 && c != 0x7F ? c : 0xFFFD;
}

/* n in decimal at p; returns the end. Locators are made for every block and cell, and
 * snprintf cost as much as typing the paragraph. */
static char *
put_decimal(char *p, unsigned long n)
{
    char digits[24];
    size_t k = 0;
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    while (k > 0)
        *p++ = digits[--k];
    return p;
}

/* ----------------------------------------------------------- paragraphs -- */

static void
para_start(struct dx *x, const struct px_docx_elem *e)
{
    x->npara++;
    if (x->in_p) { /* a text-box paragraph: flattened into the one around it */
        x->p.nested++;
        if (x->p.text.len > 0)
            px_buf_putc(&x->p.text, '\n');
        return;
    }
    x->in_p = 1;
    px_buf_clear(&x->p.text);
    free(x->p.style);
    x->p.style = NULL;
    x->p.num_id = 0;
    x->p.ilvl = 0;
    x->p.has_num = 0;
    x->p.outline = -1;
    x->p.any_text = x->p.nonbold = x->p.unset_bold = 0;
    x->p.nested = 0;
    x->p.index = x->npara;
    x->p.line = e->line;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Trim ASCII white space and NBSP at both ends. */
static void
trim(const char *s, size_t len, size_t *start, size_t *n)
{
    size_t a = 0, b = len;
    for (;;) {
        if (a < b && is_space(s[a]))
            a++;
        else if (b - a >= 2 && (unsigned char)s[a] == 0xC2 && (unsigned char)s[a + 1] == 0xA0)
            a += 2;
        else
            break;
    }
    for (;;) {
        if (b > a && is_space(s[b - 1]))
            b--;
        else if (b - a >= 2 && (unsigned char)s[b - 2] == 0xC2 && (unsigned char)s[b - 1] == 0xA0)
            b -= 2;
        else
            break;
    }
    *start = a;
    *n = b - a;
}

/* Upper case throughout (at least two capitals, no lower-case letter). */
static int
all_caps(const char *s, size_t len)
{
    int32_t i = 0, n = len > INT32_MAX ? INT32_MAX : (int32_t)len, upper = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0)
            continue;
        if (u_islower(c))
            return 0;
        if (u_isupper(c))
            upper++;
    }
    return upper >= 2;
}

static void
set_flags(struct px_block *b, const struct para *p, int style_bold, const char *text, size_t len)
{
    if (p->any_text && !p->nonbold && (p->unset_bold == 0 || style_bold))
        b->flags |= PX_BLOCK_BOLD;
    if (all_caps(text, len))
        b->flags |= PX_BLOCK_CAPS;
}

/*
 * Number and type of a body paragraph. `shown` is what the reader sees:
 * the automatic marker (if any), a space, and the typed text, so automatic
 * and typed numbers go through the same marker rules as in the text parser.
 */
static void
type_paragraph(struct dx *x, struct px_block *b, const char *shown, size_t len, int heading,
               int auto_kind, int ilvl, int bold)
{
    struct px_doc *doc = x->doc;
    struct px_marker m;
    size_t rest = 0;
    if (px_marker_parse(shown, len, &m)) {
        b->number = px_arena_strndup(&doc->arena, shown, m.num_len);
        rest = m.text_off;
        enum px_block_type t =
            heading ? PX_BLOCK_HEADING : px_marker_block_type(&m, shown + rest, len - rest, bold);
        b->type = t;
        if (t == PX_BLOCK_HEADING)
            b->level = px_marker_level(&m) > 0 ? px_marker_level(&m) : heading;
        else if (t == PX_BLOCK_LIST_ITEM) /* numbered items sit at their marker's level */
            b->level = px_marker_level(&m) > 0 ? px_marker_level(&m) : auto_kind ? ilvl + 1 : 1;
    } else if (auto_kind) { /* a marker the shared rules do not know ("Điều 1.") */
        size_t n = x->marker.len;
        while (n > 0 && (x->marker.ptr[n - 1] == '.' || x->marker.ptr[n - 1] == ')'))
            n--;
        b->number = px_arena_strndup(&doc->arena, x->marker.ptr, n);
        rest = x->marker.len < len ? x->marker.len + 1 : len;
        b->type = heading ? PX_BLOCK_HEADING : PX_BLOCK_LIST_ITEM;
        b->level = heading ? heading : ilvl + 1;
    } else {
        b->type = heading ? PX_BLOCK_HEADING : PX_BLOCK_PARAGRAPH;
        b->level = heading;
    }
    b->text = px_arena_strndup(&doc->arena, shown + rest, len - rest);
}

static void
emit_paragraph(struct dx *x, const char *text, size_t len, const struct px_docx_pstyle *ps,
               int auto_kind, int ilvl)
{
    int heading =
        x->p.outline >= 0 && x->p.outline < PX_DOCX_LEVELS ? x->p.outline + 1 : ps->heading;
    struct px_buf shown = PX_BUF_INIT;
    if (auto_kind) {
        px_buf_put(&shown, x->marker.ptr, x->marker.len);
        px_buf_putc(&shown, ' ');
    }
    px_buf_put(&shown, text, len);
    struct px_block *b = px_doc_add_block(x->doc, PX_BLOCK_PARAGRAPH);
    int bold = x->p.any_text && !x->p.nonbold && (x->p.unset_bold == 0 || ps->bold);
    type_paragraph(x, b, shown.ptr, shown.len, heading, auto_kind, ilvl, bold);
    set_flags(b, &x->p, ps->bold, b->text, strlen(b->text));
    b->span.line = x->p.line;
    char loc[32];
    loc[0] = 'p';
    char *end = put_decimal(loc + 1, x->p.index);
    b->locator = px_arena_strndup(&x->doc->arena, loc, (size_t)(end - loc));
    if (ps->title && x->title_block < 0)
        x->title_block = (long)(x->doc->nblocks - 1);
    px_buf_release(&shown);
}

static void
resolve_style(struct dx *x, struct px_docx_pstyle *ps)
{
    const char *id = x->p.style;
    if (!x->style_known || (id ? !x->style_id || strcmp(id, x->style_id) != 0 : !!x->style_id)) {
        free(x->style_id);
        x->style_id = id ? px_xstrdup(id) : NULL;
        px_docx_style_resolve(x->defs, id, &x->style);
        x->style_known = 1;
    }
    *ps = x->style;
}

static void
para_end(struct dx *x)
{
    if (x->p.nested > 0) {
        x->p.nested--;
        return;
    }
    x->in_p = 0;
    struct px_docx_pstyle ps;
    resolve_style(x, &ps);
    long num_id = x->p.has_num ? x->p.num_id : ps.num_id;
    int ilvl = x->p.has_num ? x->p.ilvl : ps.ilvl;
    int kind = px_docx_number_next(x->defs, num_id, ilvl, &x->marker);
    size_t a, n;
    trim(x->p.text.ptr, x->p.text.len, &a, &n);
    if (n == 0)
        return;
    const char *text = x->p.text.ptr + a;
    struct px_marker typed;
    if (kind == 2 && px_marker_parse(text, n, &typed) && typed.kind == PX_MARKER_BULLET)
        kind = 0; /* "• - Nghị quyết": the typed dash already is the item's marker */
    if (x->tbl_depth > 0) { /* a cell's paragraphs are joined with '\n' */
        struct px_buf *cell = &x->tb.cell;
        if (cell->len > 0)
            px_buf_putc(cell, '\n');
        if (kind) {
            px_buf_put(cell, x->marker.ptr, x->marker.len);
            px_buf_putc(cell, ' ');
        }
        px_buf_put(cell, text, n);
        return;
    }
    emit_paragraph(x, text, n, &ps, kind, ilvl);
}

static void
text_node(struct dx *x, const char *v, size_t n)
{
    px_buf_put(&x->p.text, v, n);
    size_t a, k;
    trim(v, n, &a, &k);
    if (k == 0)
        return;
    x->p.any_text = 1;
    int bold = x->run_bold >= 0 ? x->run_bold : x->run_cstyle;
    if (bold == 0)
        x->p.nonbold = 1;
    else if (bold < 0)
        x->p.unset_bold = 1;
}

/* The hexadecimal code point of w:sym/@w:char (strtoul, as Word writes "F0B7"). */
static uint32_t
sym_code(struct px_str v)
{
    struct px_buf tmp = PX_BUF_INIT;
    px_buf_put(&tmp, v.p, v.len);
    uint32_t c = (uint32_t)strtoul(tmp.ptr, NULL, 16);
    px_buf_release(&tmp);
    return c;
}

static void
add_footnote_ref(struct dx *x, long id)
{
    if (x->nfn_refs == x->fn_cap) {
        x->fn_cap = x->fn_cap ? x->fn_cap * 2 : 8;
        x->fn_refs = px_xrealloc(x->fn_refs, x->fn_cap * sizeof *x->fn_refs);
    }
    x->fn_refs[x->nfn_refs++] = id;
}

static void
run_element(struct dx *x, const struct px_docx_elem *e)
{
    struct px_str v;
    switch (e->name) {
    case PX_N_T: /* every w:t of a part has the same namespace: ask once */
        if (e->uri.p != x->t_uri.p || e->uri.len != x->t_uri.len || !e->uri.p) {
            x->t_uri = e->uri;
            x->t_text_ns = px_docx_text_ns(e);
        }
        x->in_t = x->t_text_ns;
        break;
    case PX_N_TAB:
        px_buf_putc(&x->p.text, '\t');
        break;
    case PX_N_BR:
    case PX_N_CR:
        v = px_docx_attr(e, "type");
        if (!v.p || px_docx_val_eq(v, "textWrapping")) /* page/column breaks are layout */
            px_buf_putc(&x->p.text, '\n');
        break;
    case PX_N_NO_BREAK_HYPHEN:
        px_buf_putc(&x->p.text, '-');
        break;
    case PX_N_SYM:
        v = px_docx_attr(e, "char");
        if (v.p)
            px_buf_put_utf8(&x->p.text, symbol_char(sym_code(v)));
        break;
    case PX_N_FOOTNOTE_REFERENCE:
        add_footnote_ref(x, px_docx_attr_long(e, "id", -1));
        break;
    default:
        break;
    }
}

static void
run_property(struct dx *x, const struct px_docx_elem *e)
{
    if (e->name == PX_N_B)
        x->run_bold = !px_docx_val_is_off(px_docx_attr(e, "val"));
    else if (e->name == PX_N_RSTYLE)
        x->run_cstyle = px_docx_char_style_bold(x->defs, px_docx_attr(e, "val"));
}

static void
para_property(struct dx *x, const struct px_docx_elem *e)
{
    if (x->p.nested > 0)
        return;
    if (e->name == PX_N_PSTYLE) {
        struct px_str v = px_docx_attr(e, "val");
        free(x->p.style);
        x->p.style = v.p ? px_xstrndup(v.p, v.len) : NULL;
    } else if (e->name == PX_N_NUM_ID) {
        x->p.has_num = 1;
        x->p.num_id = px_docx_attr_long(e, "val", 0);
    } else if (e->name == PX_N_ILVL) {
        long v = px_docx_attr_long(e, "val", 0);
        x->p.ilvl = v < 0 ? 0 : v >= PX_DOCX_LEVELS ? PX_DOCX_LEVELS - 1 : (int)v;
    } else if (e->name == PX_N_OUTLINE_LVL) {
        x->p.outline = (int)px_docx_attr_long(e, "val", -1);
    }
}

/* --------------------------------------------------------------- tables -- */

static void
table_start(struct dx *x, uint32_t line)
{
    struct tbuild *tb = &x->tb;
    tb->t = px_table_new(x->doc);
    tb->row = NULL;
    tb->all_header = 1;
    tb->line = line;
    memset(tb->vm_origin, 0, sizeof tb->vm_origin);
    x->ntables++;
}

static void
row_start(struct dx *x, uint32_t line)
{
    struct tbuild *tb = &x->tb;
    tb->row = px_table_add_row(x->doc, tb->t);
    tb->row->span.line = line;
    tb->row_header = 0;
    tb->grid_before = tb->grid_after = tb->cells_in_row = 0;
    memset(tb->cont, 0, sizeof tb->cont);
}

static void
add_empty_cells(struct dx *x, int n)
{
    for (int i = 0; i < n && x->tb.row->ncells < MAX_COLS; i++) {
        size_t col = x->tb.row->ncells;
        x->tb.vm_origin[col] = 0;
        px_row_add_cell(x->doc, x->tb.row, "", 0);
    }
}

static void
cell_start(struct dx *x, uint32_t line)
{
    struct tbuild *tb = &x->tb;
    if (tb->cells_in_row++ == 0)
        add_empty_cells(x, tb->grid_before);
    px_buf_clear(&tb->cell);
    tb->span = 1;
    tb->vmerge = 0;
    tb->cell_line = line;
}

static void
cell_end(struct dx *x)
{
    struct tbuild *tb = &x->tb;
    struct px_row *row = tb->row;
    size_t col = row->ncells;
    if (col >= MAX_COLS)
        return;
    size_t a, n;
    trim(tb->cell.ptr, tb->cell.len, &a, &n);
    struct px_cell *c = px_row_add_cell(x->doc, row, tb->cell.ptr + a, n);
    c->span.line = tb->cell_line;
    char loc[80], *end = loc;
    *end++ = 't';
    end = put_decimal(end, x->ntables);
    *end++ = '/';
    *end++ = 'r';
    end = put_decimal(end, tb->t->nrows);
    *end++ = '/';
    *end++ = 'c';
    end = put_decimal(end, (unsigned long)tb->cells_in_row);
    c->locator = px_arena_strndup(&x->doc->arena, loc, (size_t)(end - loc));
    int span = tb->span < 1 ? 1 : tb->span;
    if ((size_t)span > MAX_COLS - col)
        span = (int)(MAX_COLS - col);
    c->colspan = (uint32_t)span;
    if (tb->vmerge == 2 && tb->vm_origin[col]) {
        tb->cont[col] = 1;
        struct px_row *orow = &tb->t->rows[tb->vm_origin[col] - 1];
        if (col < orow->ncells)
            orow->cells[col].rowspan++;
    } else {
        tb->vm_origin[col] = tb->vmerge == 1 ? tb->t->nrows : 0;
    }
    for (int i = 1; i < span; i++) {
        tb->vm_origin[col + (size_t)i] = 0;
        px_row_add_cell(x->doc, row, "", 0);
    }
}

/* A row of short header labels (at least half of its non-empty cells). */
static int
header_row(const struct px_row *row)
{
    size_t filled = 0, labels = 0;
    for (size_t i = 0; i < row->ncells; i++) {
        size_t n = strlen(row->cells[i].text);
        if (n == 0)
            continue;
        if (n > PX_HEADER_CELL_MAX)
            return 0;
        filled++;
        labels += (size_t)px_header_cell(row->cells[i].text, n);
    }
    return filled > 0 && labels > 0 && labels * 2 >= filled;
}

static void
row_end(struct dx *x)
{
    struct tbuild *tb = &x->tb;
    struct px_row *row = tb->row;
    if (tb->cells_in_row == 0)
        add_empty_cells(x, tb->grid_before);
    add_empty_cells(x, tb->grid_after);
    row->header = tb->row_header || (tb->all_header && header_row(row));
    if (!row->header)
        tb->all_header = 0;
    for (size_t col = 0; !row->header && col < row->ncells; col++) {
        if (!tb->cont[col])
            continue;
        const struct px_row *orow = &tb->t->rows[tb->vm_origin[col] - 1];
        if (col < orow->ncells)
            row->cells[col].text = px_arena_strdup(&x->doc->arena, orow->cells[col].text);
    }
    tb->row = NULL;
}

static void
table_end(struct dx *x)
{
    struct tbuild *tb = &x->tb;
    struct px_table *t = tb->t;
    tb->t = NULL;
    if (!t || t->nrows == 0)
        return;
    for (size_t i = 0; i < t->nrows; i++)
        if (t->rows[i].ncells > t->ncols)
            t->ncols = t->rows[i].ncells;
    struct px_block *b = px_doc_add_block(x->doc, PX_BLOCK_TABLE);
    b->table = t;
    b->text = px_arena_strdup(&x->doc->arena, "");
    b->span.line = tb->line;
    char loc[32];
    snprintf(loc, sizeof loc, "t%lu", x->ntables);
    b->locator = px_arena_strdup(&x->doc->arena, loc);
}

/* Table structure at the top level only: a nested table is flattened into its cell. */
static void
table_element(struct dx *x, const struct px_docx_elem *e)
{
    struct tbuild *tb = &x->tb;
    if (e->name == PX_N_TBL) {
        if (x->tbl_depth++ == 0)
            table_start(x, e->line);
        return;
    }
    if (x->tbl_depth != 1)
        return;
    switch (e->name) {
    case PX_N_TR:
        row_start(x, e->line);
        break;
    case PX_N_TC:
        if (tb->row)
            cell_start(x, e->line);
        break;
    case PX_N_TBL_HEADER:
        if (tb->row)
            tb->row_header = !px_docx_val_is_off(px_docx_attr(e, "val"));
        break;
    case PX_N_GRID_BEFORE:
        tb->grid_before = (int)px_docx_attr_long(e, "val", 0);
        break;
    case PX_N_GRID_AFTER:
        tb->grid_after = (int)px_docx_attr_long(e, "val", 0);
        break;
    case PX_N_GRID_SPAN:
        tb->span = (int)px_docx_attr_long(e, "val", 1);
        break;
    case PX_N_VMERGE:
        tb->vmerge = px_docx_val_eq(px_docx_attr(e, "val"), "restart") ? 1 : 2;
        break;
    default:
        break;
    }
}

static void
table_element_end(struct dx *x, enum px_docx_name name)
{
    if (name == PX_N_TBL) {
        if (x->tbl_depth > 0 && --x->tbl_depth == 0)
            table_end(x);
    } else if (x->tbl_depth == 1 && name == PX_N_TC && x->tb.row) {
        cell_end(x);
    } else if (x->tbl_depth == 1 && name == PX_N_TR && x->tb.row) {
        row_end(x);
    }
}

/* ---------------------------------------------------------- the walker -- */

/* Subtrees whose text the reader does not see (or sees twice). */
static int
skipped(enum px_docx_name name)
{
    switch (name) {
    case PX_N_DEL:
    case PX_N_MOVE_FROM:
    case PX_N_DEL_TEXT:
    case PX_N_INSTR_TEXT:
    case PX_N_FALLBACK:
    case PX_N_SECT_PR:
    case PX_N_PPR_CHANGE:
    case PX_N_RPR_CHANGE:
    case PX_N_TBL_PR_CHANGE:
    case PX_N_TR_PR_CHANGE:
    case PX_N_TC_PR_CHANGE:
    case PX_N_FOOTNOTE_PR:
    case PX_N_ENDNOTE_PR:
    case PX_N_COMMENTS:
    case PX_N_COMMENT_RANGE_START:
        return 1;
    default:
        return 0;
    }
}

static void
element_start(struct dx *x, const struct px_docx_elem *e)
{
    if (e->name == PX_N_P) {
        para_start(x, e);
    } else if (!x->in_p) {
        table_element(x, e);
    } else if (e->name == PX_N_PPR) {
        x->in_ppr = 1;
    } else if (x->in_ppr) {
        para_property(x, e);
    } else if (e->name == PX_N_R) {
        x->in_run = 1;
        x->run_bold = x->run_cstyle = -1;
    } else if (e->name == PX_N_RPR) {
        x->in_rpr = 1;
    } else if (x->in_rpr) {
        run_property(x, e);
    } else {
        run_element(x, e);
    }
}

static void
element_end(struct dx *x, enum px_docx_name name)
{
    if (name == PX_N_P) {
        if (x->in_p)
            para_end(x);
    } else if (name == PX_N_PPR) {
        x->in_ppr = 0;
    } else if (name == PX_N_RPR) {
        x->in_rpr = 0;
    } else if (name == PX_N_T) {
        x->in_t = 0;
    } else if (name == PX_N_R) {
        x->in_run = 0;
    } else if (!x->in_p) {
        table_element_end(x, name);
    }
}

static int
body_start(void *ctx, const struct px_docx_elem *e)
{
    struct dx *x = ctx;
    if (skipped(e->name))
        return 1;
    if (x->in_ppr && e->name == PX_N_RPR)
        return 1; /* the paragraph mark's formatting */
    element_start(x, e);
    return 0;
}

static void
body_end(void *ctx, enum px_docx_name name)
{
    element_end(ctx, name);
}

static void
body_text(void *ctx, const char *s, size_t n)
{
    struct dx *x = ctx;
    if (x->in_t && x->in_p)
        text_node(x, s, n);
}

static int
fail_xml(struct dx *x, const char *part, const char *fmt, const char *detail)
{
    struct px_buf where = PX_BUF_INIT;
    px_buf_printf(&where, "%s:%s", x->path, part);
    if (x->npara > 0)
        px_buf_printf(&where, ":p%lu", x->npara);
    px_diag_report(x->dg, PX_ERROR, where.ptr, x->err.seen ? x->err.line : 0, 0, fmt, detail);
    px_buf_release(&where);
    return -1;
}

/* document.xml through the walker; -1 after the error was reported. */
static int
walk(struct dx *x, const char *xml, size_t len)
{
    const struct px_docx_sink sink = {body_start, body_end, body_text, x};
    switch (px_docx_xml_parse(xml, len, "word/document.xml", &sink, &x->err)) {
    case PX_DOCX_XML_OK:
        return 0;
    case PX_DOCX_XML_DTD:
        return fail_xml(x, "word/document.xml", "%s",
                        "document type declaration refused (a DOCX part has no DTD; "
                        "entities are never expanded)");
    case PX_DOCX_XML_DEEP:
        return fail_xml(x, "word/document.xml", "elements nested deeper than %s", "256 levels");
    default:
        return fail_xml(x, "word/document.xml", "malformed XML: %s",
                        x->err.seen ? x->err.msg : "unreadable");
    }
}

/* ------------------------------------------------------------ footnotes -- */

struct fn_reader {
    struct dx *x;
    struct footnote *notes;
    size_t n, cap;
    long id;
    int keep, in_t;
};

static void
footnote_end(struct dx *x, struct fn_reader *fr, long id, int keep)
{
    size_t a, n;
    trim(x->p.text.ptr, x->p.text.len, &a, &n);
    if (!keep || n == 0 || fr->n >= 10000)
        return;
    if (fr->n == fr->cap) {
        fr->cap = fr->cap ? fr->cap * 2 : 8;
        fr->notes = px_xrealloc(fr->notes, fr->cap * sizeof *fr->notes);
    }
    fr->notes[fr->n].id = id;
    fr->notes[fr->n].text = px_arena_strndup(&x->doc->arena, x->p.text.ptr + a, n);
    fr->notes[fr->n].line = x->p.line;
    fr->n++;
}

static int
fn_start(void *ctx, const struct px_docx_elem *e)
{
    struct fn_reader *fr = ctx;
    struct dx *x = fr->x;
    if (skipped(e->name))
        return 1;
    if (e->name == PX_N_FOOTNOTE) {
        struct px_str type = px_docx_attr(e, "type");
        fr->keep = !type.p || px_docx_val_eq(type, "normal");
        fr->id = px_docx_attr_long(e, "id", -1);
        px_buf_clear(&x->p.text);
        x->p.line = e->line;
    } else if (e->name == PX_N_T) {
        fr->in_t = px_docx_text_ns(e);
    } else if (e->name == PX_N_TAB) {
        px_buf_putc(&x->p.text, ' ');
    }
    return 0;
}

static void
fn_end(void *ctx, enum px_docx_name name)
{
    struct fn_reader *fr = ctx;
    if (name == PX_N_T)
        fr->in_t = 0;
    else if (name == PX_N_P)
        px_buf_putc(&fr->x->p.text, '\n');
    else if (name == PX_N_FOOTNOTE)
        footnote_end(fr->x, fr, fr->id, fr->keep);
}

static void
fn_text(void *ctx, const char *s, size_t n)
{
    struct fn_reader *fr = ctx;
    if (fr->in_t)
        px_buf_put(&fr->x->p.text, s, n);
}

/* Read footnotes.xml into id -> text; separators are not notes. */
static void
read_footnotes(struct dx *x, struct fn_reader *fr, const char *xml, size_t len)
{
    const struct px_docx_sink sink = {fn_start, fn_end, fn_text, fr};
    if (px_docx_xml_parse(xml, len, "footnotes.xml", &sink, &x->err) != PX_DOCX_XML_OK)
        px_diag_report(x->dg, PX_WARNING, x->path, 0, 0,
                       "word/footnotes.xml: footnotes ignored: %s",
                       x->err.seen ? x->err.msg : "unreadable XML");
}

/* Footnotes follow the body, numbered in the order the text refers to them (as Word shows them). */
static void
emit_footnotes(struct dx *x, const char *xml, size_t len)
{
    if (x->nfn_refs == 0 || !xml || len == 0)
        return;
    struct fn_reader fr = {x, NULL, 0, 0, -1, 0, 0};
    read_footnotes(x, &fr, xml, len);
    unsigned shown = 0;
    for (size_t i = 0; i < x->nfn_refs; i++) {
        size_t k = 0;
        while (k < fr.n && fr.notes[k].id != x->fn_refs[i])
            k++;
        if (k == fr.n) {
            px_diag_report(x->dg, PX_WARNING, x->path, 0, 0,
                           "word/footnotes.xml: footnote '%ld' is referenced but missing",
                           x->fn_refs[i]);
            continue;
        }
        struct px_block *b = px_doc_add_block(x->doc, PX_BLOCK_FOOTNOTE);
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%u", ++shown);
        b->number = px_arena_strdup(&x->doc->arena, tmp);
        b->text = fr.notes[k].text;
        b->span.line = fr.notes[k].line;
        snprintf(tmp, sizeof tmp, "fn%ld", fr.notes[k].id);
        b->locator = px_arena_strdup(&x->doc->arena, tmp);
    }
    free(fr.notes);
}

/* ----------------------------------------------------------- post-pass -- */

/*
 * Converters write the document's metadata title as a "Title" paragraph
 * ("KẾ HOẠCH: Triển khai …") before the body that already shows it as a
 * heading ("KẾ HOẠCH") and its subtitle. Such a repeat is dropped; a title
 * that the body does not repeat is kept as a level-1 heading.
 */
static void
drop_repeated_title(struct dx *x)
{
    struct px_doc *doc = x->doc;
    if (x->title_block < 0)
        return;
    size_t ti = (size_t)x->title_block;
    const char *title = doc->blocks[ti].text;
    size_t head = strcspn(title, ":");
    while (head > 0 && is_space(title[head - 1]))
        head--;
    if (head == 0)
        return;
    for (size_t i = ti + 1; i < doc->nblocks && i <= ti + 30; i++) {
        const struct px_block *b = &doc->blocks[i];
        if (b->type == PX_BLOCK_HEADING && strlen(b->text) == head &&
            memcmp(b->text, title, head) == 0) {
            memmove(&doc->blocks[ti], &doc->blocks[ti + 1],
                    (doc->nblocks - ti - 1) * sizeof *doc->blocks);
            doc->nblocks--;
            return;
        }
    }
}

/* Offsets in the extracted text stream (see the top comment). */
static void
assign_spans(struct px_doc *doc)
{
    uint64_t off = 0;
    for (size_t i = 0; i < doc->nblocks; i++) {
        struct px_block *b = &doc->blocks[i];
        b->span.byte = off;
        if (b->type != PX_BLOCK_TABLE || !b->table) {
            b->span.len = strlen(b->text);
            off += b->span.len + 1;
            continue;
        }
        for (size_t r = 0; r < b->table->nrows; r++) {
            struct px_row *row = &b->table->rows[r];
            row->span.byte = off;
            for (size_t c = 0; c < row->ncells; c++) {
                struct px_cell *cell = &row->cells[c];
                cell->span.byte = off;
                cell->span.len = strlen(cell->text);
                if (cell->span.line == 0)
                    cell->span.line = row->span.line;
                off += cell->span.len + 1;
            }
            row->span.len = off - row->span.byte;
        }
        b->span.len = off - b->span.byte;
    }
}

/* --------------------------------------------------------------- parts -- */

/* ---- the definitions of the last template ---- */

/*
 * The plans of one corpus usually come from a few templates: numbering.xml
 * and styles.xml are the same bytes in file after file, and reading them is
 * a tenth of a plan's parse. The definitions of the last pair read without
 * a diagnostic are kept (per thread: -j N parses in parallel) and copied
 * into the next document whose two parts are the same bytes. A copy is made
 * before any list counter moves, so it is what reading the parts gives.
 */
struct defs_kept {
    int valid;
    char *numbering, *styles; /* the bytes the definitions were read from */
    size_t numbering_len, styles_len;
    struct px_arena arena; /* the kept definitions */
    struct px_docx_defs defs;
};

/* A few templates, taken in turn: that many kept, the oldest replaced. */
#define DEFS_KEPT 8

struct defs_cache {
    struct defs_kept k[DEFS_KEPT];
    unsigned next;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static int cache_ok;

static void
cache_free(void *p)
{
    struct defs_cache *c = p;
    if (!c)
        return;
    for (int i = 0; i < DEFS_KEPT; i++) {
        free(c->k[i].numbering);
        free(c->k[i].styles);
        if (c->k[i].valid)
            px_arena_release(&c->k[i].arena);
    }
    free(c);
}

static void
cache_key_make(void)
{
    cache_ok = pthread_key_create(&cache_key, cache_free) == 0;
}

static struct defs_cache *
defs_cache(void)
{
    pthread_once(&cache_once, cache_key_make);
    if (!cache_ok)
        return NULL;
    struct defs_cache *c = pthread_getspecific(cache_key);
    if (!c) {
        c = px_xcalloc(1, sizeof *c);
        if (pthread_setspecific(cache_key, c) != 0) {
            free(c);
            return NULL;
        }
    }
    return c;
}

static char *
copy_text(struct px_arena *a, const char *s)
{
    return s ? px_arena_strdup(a, s) : NULL;
}

static void
copy_levels(struct px_arena *a, struct px_docx_lvl *lvl)
{
    for (int i = 0; i < PX_DOCX_LEVELS; i++)
        lvl[i].text = copy_text(a, lvl[i].text);
}

/* Deep copy of src into dst, every string and array in a. */
static void
copy_defs(struct px_arena *a, const struct px_docx_defs *src, struct px_docx_defs *dst)
{
    *dst = *src;
    dst->abstracts = NULL;
    dst->nums = NULL;
    dst->styles = NULL;
    if (src->nabstracts) {
        dst->abstracts = px_arena_alloc(a, src->nabstracts * sizeof *src->abstracts);
        memcpy(dst->abstracts, src->abstracts, src->nabstracts * sizeof *src->abstracts);
        for (size_t i = 0; i < src->nabstracts; i++)
            copy_levels(a, dst->abstracts[i].lvl);
    }
    if (src->nnums) {
        dst->nums = px_arena_alloc(a, src->nnums * sizeof *src->nums);
        memcpy(dst->nums, src->nums, src->nnums * sizeof *src->nums);
        for (size_t i = 0; i < src->nnums; i++)
            copy_levels(a, dst->nums[i].lvl);
    }
    dst->default_pstyle = copy_text(a, src->default_pstyle);
    if (src->nstyles) {
        dst->styles = px_arena_alloc(a, src->nstyles * sizeof *src->styles);
        memcpy(dst->styles, src->styles, src->nstyles * sizeof *src->styles);
        for (size_t i = 0; i < src->nstyles; i++) {
            dst->styles[i].id = copy_text(a, src->styles[i].id);
            dst->styles[i].based_on = copy_text(a, src->styles[i].based_on);
        }
    }
}

static int
same_bytes(const char *kept, size_t kept_len, const char *xml, size_t len)
{
    return kept_len == len && (len == 0 || memcmp(kept, xml, len) == 0);
}

static char *
dup_bytes(const char *xml, size_t len)
{
    char *p = px_xmalloc(len + 1);
    if (len)
        memcpy(p, xml, len);
    p[len] = '\0';
    return p;
}

/* numbering.xml and styles.xml into defs: from the kept copy when the bytes are the same. */
static void
load_defs(struct px_docx_defs *defs, struct px_doc *doc, const char *numbering_xml,
          size_t numbering_len, const char *styles_xml, size_t styles_len, const char *path,
          struct px_diag *dg)
{
    struct defs_cache *c = defs_cache();
    for (int i = 0; c && i < DEFS_KEPT; i++) {
        const struct defs_kept *k = &c->k[i];
        if (k->valid && same_bytes(k->numbering, k->numbering_len, numbering_xml, numbering_len) &&
            same_bytes(k->styles, k->styles_len, styles_xml, styles_len)) {
            copy_defs(&doc->arena, &k->defs, defs);
            return;
        }
    }
    size_t before = dg->n;
    struct px_buf where = PX_BUF_INIT;
    px_buf_printf(&where, "%s:word/numbering.xml", path);
    px_docx_load_numbering(defs, doc, numbering_xml, numbering_len, where.ptr, dg);
    px_buf_clear(&where);
    px_buf_printf(&where, "%s:word/styles.xml", path);
    px_docx_load_styles(defs, doc, styles_xml, styles_len, where.ptr, dg);
    px_buf_release(&where);
    if (!c || dg->n != before)
        return; /* a part with a diagnostic is read again each time: it reports again */
    struct defs_kept *k = &c->k[c->next++ % DEFS_KEPT];
    free(k->numbering);
    free(k->styles);
    if (k->valid)
        px_arena_release(&k->arena);
    k->numbering = dup_bytes(numbering_xml, numbering_len);
    k->styles = dup_bytes(styles_xml, styles_len);
    k->numbering_len = numbering_len;
    k->styles_len = styles_len;
    px_arena_init(&k->arena);
    copy_defs(&k->arena, defs, &k->defs);
    k->valid = 1;
}

int
px_docx_parse_parts(struct px_doc *doc, const char *document_xml, size_t document_len,
                    const char *numbering_xml, size_t numbering_len, const char *styles_xml,
                    size_t styles_len, const char *footnotes_xml, size_t footnotes_len,
                    struct px_diag *dg)
{
    struct px_docx_defs defs;
    px_docx_defs_init(&defs);
    struct dx x;
    memset(&x, 0, sizeof x);
    x.doc = doc;
    x.dg = dg;
    x.defs = &defs;
    x.path = doc->path ? doc->path : "-";
    x.p.text = (struct px_buf)PX_BUF_INIT;
    x.tb.cell = (struct px_buf)PX_BUF_INIT;
    x.marker = (struct px_buf)PX_BUF_INIT;
    x.title_block = -1;

    load_defs(&defs, doc, numbering_xml, numbering_len, styles_xml, styles_len, x.path, dg);

    int rc = -1;
    if (walk(&x, document_xml ? document_xml : "", document_xml ? document_len : 0) < 0)
        goto done;
    emit_footnotes(&x, footnotes_xml, footnotes_len);
    drop_repeated_title(&x);
    assign_spans(doc);
    px_tables_merge_pages(doc);
    rc = 0;
done:
    free(x.p.style);
    free(x.style_id);
    px_buf_release(&x.p.text);
    px_buf_release(&x.tb.cell);
    px_buf_release(&x.marker);
    free(x.fn_refs);
    return rc;
}

/* ------------------------------------------------------------ container -- */

struct container {
    zip_t *za;
    const char *path;
    struct px_diag *dg;
    uint64_t total; /* bytes inflated so far, all parts */
};

static void
put_size(struct px_buf *b, uint64_t n)
{
    if (n >= ((uint64_t)1 << 30))
        px_buf_printf(b, "%.1f GiB", (double)n / (double)((uint64_t)1 << 30));
    else if (n >= ((uint64_t)1 << 20))
        px_buf_printf(b, "%.1f MiB", (double)n / (double)((uint64_t)1 << 20));
    else
        px_buf_printf(b, "%llu bytes", (unsigned long long)n);
}

static int
zip_fail(struct container *c, const char *part, const char *msg)
{
    if (part)
        px_diag_report(c->dg, PX_ERROR, c->path, 0, 0, "%s: %s", part, msg);
    else
        px_diag_report(c->dg, PX_ERROR, c->path, 0, 0, "%s", msg);
    return -1;
}

static int
size_fail(struct container *c, const char *part, const char *what, uint64_t n, const char *limit)
{
    struct px_buf m = PX_BUF_INIT;
    px_buf_printf(&m, "%s ", what);
    put_size(&m, n);
    px_buf_printf(&m, " exceeds the %s limit", limit);
    zip_fail(c, part, m.ptr);
    px_buf_release(&m);
    return -1;
}

static int
bomb_fail(struct container *c, const char *part, uint64_t size, uint64_t comp)
{
    struct px_buf m = PX_BUF_INIT;
    px_buf_printf(&m, "compression ratio %llu:1 exceeds %d:1 (a zip bomb)",
                  (unsigned long long)(size / (comp ? comp : 1)), BOMB_RATIO);
    zip_fail(c, part, m.ptr);
    px_buf_release(&m);
    return -1;
}

/* What the zip header says, before a byte is inflated. */
static int
check_header(struct container *c, const char *part, const zip_stat_t *st)
{
    if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) && st->encryption_method != ZIP_EM_NONE)
        return zip_fail(c, part, "encrypted part (password-protected documents are not read)");
    if (!(st->valid & ZIP_STAT_SIZE) || !(st->valid & ZIP_STAT_COMP_SIZE))
        return zip_fail(c, part, "zip entry without sizes");
    if (st->size > MAX_PART)
        return size_fail(c, part, "uncompressed size", st->size, "64 MiB");
    if (st->size > BOMB_MIN && st->size / (st->comp_size ? st->comp_size : 1) > BOMB_RATIO)
        return bomb_fail(c, part, st->size, st->comp_size);
    if (c->total + st->size > MAX_TOTAL)
        return size_fail(c, part, "total uncompressed size", c->total + st->size, "128 MiB");
    return 0;
}

/* Inflate, enforcing the same limits on the bytes actually produced. */
static int
inflate_part(struct container *c, const char *part, zip_int64_t idx, const zip_stat_t *st,
             struct px_buf *out)
{
    zip_file_t *zf = zip_fopen_index(c->za, (zip_uint64_t)idx, 0);
    if (!zf)
        return zip_fail(c, part, zip_strerror(c->za));
    const size_t chunk = (size_t)1 << 16;
    /* Room for what the header declares (at most MAX_PART, checked): no copy while growing. */
    px_buf_grow(out, (size_t)st->size + chunk);
    int rc = 0;
    for (;;) {
        px_buf_grow(out, chunk);
        zip_int64_t n = zip_fread(zf, out->ptr + out->len, chunk);
        if (n < 0) {
            struct px_buf m = PX_BUF_INIT;
            px_buf_printf(&m, "damaged or truncated data: %s", zip_file_strerror(zf));
            rc = zip_fail(c, part, m.ptr);
            px_buf_release(&m);
            break;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->ptr[out->len] = '\0';
        if (out->len > MAX_PART || out->len > st->size) {
            rc = size_fail(c, part, "inflated size", out->len,
                           out->len > MAX_PART ? "64 MiB" : "declared size");
            break;
        }
        if (out->len > BOMB_MIN && out->len / (st->comp_size ? st->comp_size : 1) > BOMB_RATIO) {
            rc = bomb_fail(c, part, out->len, st->comp_size);
            break;
        }
    }
    zip_fclose(zf);
    if (rc == 0 && out->len != st->size)
        rc = zip_fail(c, part, "damaged or truncated data: shorter than its zip header says");
    c->total += out->len;
    return rc;
}

/* Read one part into out. Returns 1 when read, 0 when absent (and not required), -1 on error. */
static int
read_part(struct container *c, const char *part, int required, struct px_buf *out)
{
    zip_int64_t idx = zip_name_locate(c->za, part, 0);
    if (idx < 0) {
        if (!required)
            return 0;
        struct px_buf m = PX_BUF_INIT;
        px_buf_printf(&m, "not a DOCX: no '%s' part", part);
        zip_fail(c, NULL, m.ptr);
        px_buf_release(&m);
        return -1;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(c->za, (zip_uint64_t)idx, 0, &st) != 0)
        return zip_fail(c, part, zip_strerror(c->za));
    if (check_header(c, part, &st) < 0 || inflate_part(c, part, idx, &st, out) < 0)
        return -1;
    return 1;
}

static int
open_zip(struct container *c, const unsigned char *data, size_t len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (src)
        c->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!c->za) {
        struct px_buf m = PX_BUF_INIT;
        px_buf_printf(&m, "not a readable zip archive (truncated or damaged): %s",
                      zip_error_strerror(&ze));
        zip_fail(c, NULL, m.ptr);
        px_buf_release(&m);
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return -1;
    }
    zip_error_fini(&ze);
    zip_int64_t n = zip_get_num_entries(c->za, 0);
    if (n < 0 || n > MAX_ENTRIES)
        return zip_fail(c, NULL, "too many zip entries (the limit is 10000)");
    return 0;
}

/* [Content_Types].xml must declare a Word main document. */
static int
check_content_types(struct container *c, const struct px_buf *ct)
{
    if (strstr(ct->ptr, "wordprocessingml.document") || strstr(ct->ptr, "ms-word.document") ||
        strstr(ct->ptr, "wordprocessingml.template") || strstr(ct->ptr, "ms-word.template"))
        return 0;
    return zip_fail(c, "[Content_Types].xml", "not a DOCX: no Word document type declared");
}

int
px_parse_docx(struct px_doc *doc, struct px_diag *dg)
{
    struct container c = {NULL, doc->path ? doc->path : "-", dg, 0};
    if (doc->src_len == 0) {
        px_diag_report(dg, PX_ERROR, c.path, 0, 0, "empty file");
        return -1;
    }
    struct px_buf ct = PX_BUF_INIT, body = PX_BUF_INIT, num = PX_BUF_INIT, sty = PX_BUF_INIT,
                  fn = PX_BUF_INIT;
    int rc = -1;
    if (open_zip(&c, doc->src, doc->src_len) < 0)
        goto done;
    if (zip_name_locate(c.za, "word/document.xml", 0) < 0) {
        read_part(&c, "word/document.xml", 1, &body); /* reports the missing part */
        goto done;
    }
    if (read_part(&c, "[Content_Types].xml", 1, &ct) < 0 || check_content_types(&c, &ct) < 0 ||
        read_part(&c, "word/document.xml", 1, &body) < 0 ||
        read_part(&c, "word/numbering.xml", 0, &num) < 0 ||
        read_part(&c, "word/styles.xml", 0, &sty) < 0 ||
        read_part(&c, "word/footnotes.xml", 0, &fn) < 0)
        goto done;
    rc = px_docx_parse_parts(doc, body.ptr, body.len, num.ptr, num.len, sty.ptr, sty.len, fn.ptr,
                             fn.len, dg);
done:
    if (c.za)
        zip_discard(c.za);
    px_buf_release(&ct);
    px_buf_release(&body);
    px_buf_release(&num);
    px_buf_release(&sty);
    px_buf_release(&fn);
    return rc;
}

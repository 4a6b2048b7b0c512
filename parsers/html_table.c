/*
 * html_table — an HTML <table> as a full grid of rows × cells.
 *
 * colspan/rowspan are expanded: the origin cell keeps its spans and its text
 * is copied into every grid slot it covers, so "Cơ quan chủ trì" merged over
 * five rows is the lead of each of them. A table nested in a cell is
 * flattened into the cell's text (its rows on lines of their own).
 *
 * Cell locators are XPath-like steps from the table's own locator:
 * "table[2]/tbody[1]/tr[3]/td[2]" (each step counts siblings of that name;
 * no row-group step for a <tr> right under <table>). Grid copies made by a
 * span keep the origin's locator, as they keep its span; padding slots at
 * a row's end have none.
 */
#include "headerwords.h"
#include "html_internal.h"

#include <stdio.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "../pipeline/banned.h"

/* No plan table is wider than this; the cap bounds a hostile colspan. */
#define MAX_COLS 64
/* HTML's own limit on rowspan. */
#define MAX_ROWSPAN 65534
/* A header cell is a few words; longer text is data. */
/* Header rows come first: a two- or three-row header at most. */
#define HEADER_ROWS_MAX 3

/* A slot covered by a rowspan from a row above. */
struct pending {
    const char *text; /* arena-owned text of the origin cell */
    char *locator;    /* arena-owned locator of the origin cell */
    struct px_span span;
    long left; /* rows still covered */
};

struct cell_walk {
    struct html_node *root;
    struct html_acc acc;
    struct html_style st;
};

static int
cell_enter(void *ctx, struct html_node *n)
{
    struct cell_walk *w = ctx;
    if (n->type == XML_TEXT_NODE) {
        html_acc_text(&w->acc, n->content, n->len, &w->st);
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE || html_is_hidden(n))
        return 0;
    if (n != w->root && (html_is(n, "td") || html_is(n, "th")))
        w->acc.space = w->acc.buf.len > 0; /* cells of a nested row: one space apart */
    else if (n != w->root && html_is_block(n))
        html_acc_newline(&w->acc);
    html_style_update(&w->st, n, +1);
    return 1;
}

static void
cell_leave(void *ctx, struct html_node *n)
{
    struct cell_walk *w = ctx;
    if (n->type != XML_ELEMENT_NODE || html_is_hidden(n))
        return;
    html_style_update(&w->st, n, -1);
    if (n != w->root && html_is_block(n) && !html_is(n, "td") && !html_is(n, "th"))
        html_acc_newline(&w->acc);
}

/* The cell's text, trimmed, into acc (the caller owns acc). */
static void
cell_text(struct html_node *cell, struct cell_walk *w)
{
    static const struct html_walk_ops ops = {cell_enter, cell_leave};
    html_acc_reset(&w->acc);
    memset(&w->st, 0, sizeof w->st);
    w->root = cell;
    html_walk(cell, &ops, w);
    struct px_buf *b = &w->acc.buf;
    while (b->len > 0 && (b->ptr[b->len - 1] == '\n' || b->ptr[b->len - 1] == ' '))
        b->len--;
    px_buf_truncate(b, b->len);
}

static struct px_cell *
add_cell(struct html_ctx *c, struct px_row *r, const char *text, size_t len, struct px_span span,
         char *locator)
{
    struct px_cell *cell = px_row_add_cell(c->doc, r, text, len);
    cell->span = span;
    cell->locator = locator;
    return cell;
}

/* Copy the slots that rowspans from above cover at *col (and the gaps before them up to want). */
static void
fill_covered(struct html_ctx *c, struct px_row *r, struct pending *pend, size_t *col)
{
    while (*col < MAX_COLS && pend[*col].left > 0) {
        struct pending *p = &pend[*col];
        add_cell(c, r, p->text, strlen(p->text), p->span, p->locator);
        p->left--;
        (*col)++;
    }
}

/* After the last cell: empty slots up to the last covered column, then the covered ones. */
static void
fill_row_end(struct html_ctx *c, struct px_row *r, struct pending *pend, size_t *col)
{
    size_t last = MAX_COLS;
    while (last > *col && pend[last - 1].left == 0)
        last--;
    while (*col < last) {
        if (pend[*col].left > 0) {
            fill_covered(c, r, pend, col);
            continue;
        }
        struct px_span none = {0};
        add_cell(c, r, "", 0, none, NULL);
        (*col)++;
    }
}

/* Where a row is, and how many cells of each name it had so far: for cell locators. */
struct row_path {
    struct px_buf path; /* "table[T]/tbody[G]/tr[R]" */
    size_t ntd, nth;
};

static char *
cell_locator(struct html_ctx *c, struct row_path *rp, const struct html_node *td)
{
    int th = html_is(td, "th");
    size_t n = th ? ++rp->nth : ++rp->ntd;
    size_t len = rp->path.len;
    px_buf_putc(&rp->path, '/');
    html_buf_step(&rp->path, th ? "th" : "td", n);
    char *s = px_arena_strndup(&c->doc->arena, rp->path.ptr, rp->path.len);
    px_buf_truncate(&rp->path, len);
    return s;
}

static void
place_cell(struct html_ctx *c, struct px_row *r, struct html_node *td, struct cell_walk *w,
           struct pending *pend, size_t *col, char *locator)
{
    long colspan = html_attr_long(td, "colspan", 1, 1, MAX_COLS);
    long rowspan = html_attr_long(td, "rowspan", 1, 0, MAX_ROWSPAN);
    if (rowspan == 0)
        rowspan = 1; /* "to the end of the section": rare, and one row is safe */
    cell_text(td, w);
    struct px_span span = {(uint32_t)html_line(td), c->stream, w->acc.buf.len};
    c->stream += w->acc.buf.len + 1; /* the text, then a tab or a newline */
    struct px_cell *origin = add_cell(c, r, w->acc.buf.ptr, w->acc.buf.len, span, locator);
    origin->colspan = (uint32_t)colspan;
    origin->rowspan = (uint32_t)rowspan;
    const char *text = origin->text;
    for (long k = 0; k < colspan && *col < MAX_COLS; k++, (*col)++) {
        if (k > 0)
            add_cell(c, r, text, strlen(text), span, locator);
        pend[*col].text = text;
        pend[*col].locator = locator;
        pend[*col].span = span;
        pend[*col].left = rowspan - 1;
    }
}

/* Returns non-zero when every cell of the row is a <th>. */
static int
build_row(struct html_ctx *c, struct px_table *t, struct html_node *tr, struct cell_walk *w,
          struct pending *pend, struct row_path *rp)
{
    struct px_row *r = px_table_add_row(c->doc, t);
    r->span.line = (uint32_t)html_line(tr);
    r->span.byte = c->stream;
    size_t col = 0;
    int all_th = 1, any = 0;
    for (struct html_node *td = tr->children; td; td = td->next) {
        if (!html_is(td, "td") && !html_is(td, "th"))
            continue;
        fill_covered(c, r, pend, &col);
        if (col >= MAX_COLS)
            break;
        place_cell(c, r, td, w, pend, &col, cell_locator(c, rp, td));
        any = 1;
        all_th &= html_is(td, "th");
    }
    fill_row_end(c, r, pend, &col);
    r->span.len = c->stream - r->span.byte;
    if (r->ncells > t->ncols)
        t->ncols = r->ncells;
    return any && all_th;
}

/* Start the path of the n-th <tr> of its parent; group is "tbody[1]" or so, or NULL. */
static void
row_path_set(struct row_path *rp, size_t table_no, const char *group, size_t n)
{
    px_buf_clear(&rp->path);
    html_buf_step(&rp->path, "table", table_no);
    px_buf_putc(&rp->path, '/');
    if (group) {
        px_buf_puts(&rp->path, group);
        px_buf_putc(&rp->path, '/');
    }
    html_buf_step(&rp->path, "tr", n);
    rp->ntd = rp->nth = 0;
}

/* The rows of a row group (<thead>, <tbody>, <tfoot>); group is its locator step. */
static void
build_group(struct html_ctx *c, struct px_table *t, struct html_node *g, const char *group,
            struct cell_walk *w, struct pending *pend, struct row_path *rp)
{
    int head = html_is(g, "thead");
    size_t ntr = 0;
    for (struct html_node *tr = g->children; tr; tr = tr->next) {
        if (!html_is(tr, "tr"))
            continue;
        row_path_set(rp, c->ntables + 1, group, ++ntr);
        if (build_row(c, t, tr, w, pend, rp) || head)
            t->rows[t->nrows - 1].header = 1;
    }
}

static void
build_rows(struct html_ctx *c, struct px_table *t, struct html_node *table, struct pending *pend)
{
    static const char *const groups[] = {"thead", "tbody", "tfoot"};
    size_t ngroup[3] = {0, 0, 0}, ntr = 0;
    struct cell_walk w = {0};
    w.acc.buf = (struct px_buf)PX_BUF_INIT;
    struct row_path rp = {PX_BUF_INIT, 0, 0};
    char group[32];
    /* html_table() counts this table once it is built: it is number ntables + 1. */
    for (struct html_node *g = table->children; g; g = g->next) {
        for (size_t k = 0; k < 3; k++) {
            if (!html_is(g, groups[k]))
                continue;
            snprintf(group, sizeof group, "%s[%zu]", groups[k], ++ngroup[k]);
            build_group(c, t, g, group, &w, pend, &rp);
        }
        if (!html_is(g, "tr"))
            continue;
        row_path_set(&rp, c->ntables + 1, NULL, ++ntr);
        if (build_row(c, t, g, &w, pend, &rp))
            t->rows[t->nrows - 1].header = 1;
    }
    px_buf_release(&rp.path);
    px_buf_release(&w.acc.buf);
}

/* A label: short, no figures, opening with a header word. */
static int
is_header_text(const char *s)
{
    size_t len = strlen(s);
    return len > 0 && len <= PX_HEADER_CELL_MAX && !strpbrk(s, "0123456789") &&
           px_header_cell(s, len);
}

/* A row of header words ("TT | Nội dung | Cơ quan chủ trì …"), two filled cells at least. */
static int
is_header_row(const struct px_row *r)
{
    size_t filled = 0;
    for (size_t k = 0; k < r->ncells; k++) {
        if (r->cells[k].text[0] == '\0')
            continue;
        if (!is_header_text(r->cells[k].text))
            return 0;
        filled++;
    }
    return filled >= 2;
}

static void
mark_header_rows(struct px_table *t)
{
    for (size_t i = 0; i < t->nrows && i < HEADER_ROWS_MAX; i++) {
        if (!t->rows[i].header && !is_header_row(&t->rows[i]))
            break;
        t->rows[i].header = 1;
    }
}

void
html_table(struct html_ctx *c, struct html_node *table)
{
    struct pending pend[MAX_COLS];
    memset(pend, 0, sizeof pend);
    uint64_t start = c->stream;
    struct px_table *t = px_table_new(c->doc);
    build_rows(c, t, table, pend);
    c->ntables++;
    if (t->nrows == 0)
        return;
    mark_header_rows(t);
    struct px_block *b = px_doc_add_block(c->doc, PX_BLOCK_TABLE);
    b->table = t;
    b->span.line = (uint32_t)html_line(table);
    b->span.byte = start;
    b->span.len = c->stream - start;
    struct px_buf loc = PX_BUF_INIT;
    px_buf_printf(&loc, "table[%zu]", c->ntables);
    b->locator = px_arena_strndup(&c->doc->arena, loc.ptr, loc.len);
    px_buf_release(&loc);
}

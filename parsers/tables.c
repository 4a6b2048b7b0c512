/*
 * tables — one table out of a table split across page breaks (see parse.h).
 *
 * Shared by the text, HTML and DOCX parsers, run once at the end of a parse.
 * Two steps: a table block that repeats the header rows of the table block
 * right before it (or has no header and as many columns) is appended to it;
 * then, in every table with a number column, a data row whose number cell
 * is empty is joined into the data row above it, cell by cell.
 */
#include "parse.h"

#include <string.h>

/* A number cell is short ("12.", "IV", "a"); a first column of long text is not numbered. */
#define NUMBER_CELL_MAX_BYTES 12

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Equal but for white space (column widths and padding differ from page to page). */
static int
same_text(const char *a, const char *b)
{
    for (;;) {
        while (is_space(*a))
            a++;
        while (is_space(*b))
            b++;
        if (*a != *b)
            return 0;
        if (!*a)
            return 1;
        a++;
        b++;
    }
}

static size_t
header_rows(const struct px_table *t)
{
    size_t n = 0;
    while (n < t->nrows && t->rows[n].header)
        n++;
    return n;
}

static const char *
cell_text(const struct px_row *r, size_t k)
{
    return k < r->ncells ? r->cells[k].text : "";
}

static int
same_row(const struct px_row *a, const struct px_row *b)
{
    size_t n = a->ncells > b->ncells ? a->ncells : b->ncells;
    for (size_t k = 0; k < n; k++)
        if (!same_text(cell_text(a, k), cell_text(b, k)))
            return 0;
    return 1;
}

/* Does table b continue table a on the next page? */
static int
continues(const struct px_table *a, const struct px_table *b)
{
    size_t ha = header_rows(a), hb = header_rows(b);
    if (hb == 0)
        return ha > 0 && a->ncols == b->ncols && b->nrows > 0;
    if (ha != hb)
        return 0;
    for (size_t k = 0; k < ha; k++)
        if (!same_row(&a->rows[k], &b->rows[k]))
            return 0;
    return 1;
}

static void
extend_span(struct px_span *to, const struct px_span *from)
{
    uint64_t end = from->byte + from->len;
    if (end > to->byte + to->len)
        to->len = end - to->byte;
}

static void
append_rows(struct px_doc *doc, struct px_block *into, const struct px_block *from)
{
    struct px_table *a = into->table;
    const struct px_table *b = from->table;
    for (size_t k = header_rows(b); k < b->nrows; k++) {
        struct px_row *r = px_table_add_row(doc, a);
        *r = b->rows[k];
    }
    if (b->ncols > a->ncols)
        a->ncols = b->ncols;
    extend_span(&into->span, &from->span);
}

/* Checkpoints of a cell's text, shifted by `shift`; an empty map means "verbatim from span". */
static void
copy_map(struct px_doc *doc, struct px_offmap *to, const struct px_cell *c, size_t shift)
{
    if (c->map.n == 0) {
        px_offmap_add(doc, to, shift, c->span.byte, c->span.line);
        return;
    }
    for (size_t k = 0; k < c->map.n; k++)
        px_offmap_add(doc, to, shift + c->map.pts[k].text, c->map.pts[k].src, c->map.pts[k].line);
}

/* a = a + " " + b, with the offset map and span following. */
static void
join_cell(struct px_doc *doc, struct px_cell *a, const struct px_cell *b)
{
    if (!*b->text)
        return;
    if (!*a->text) {
        *a = *b;
        return;
    }
    size_t la = strlen(a->text), lb = strlen(b->text);
    char *t = px_arena_alloc(&doc->arena, la + 1 + lb + 1);
    memcpy(t, a->text, la);
    t[la] = ' ';
    memcpy(t + la + 1, b->text, lb + 1);
    struct px_offmap map = {0};
    copy_map(doc, &map, a, 0);
    px_offmap_add(doc, &map, la, b->span.byte, b->span.line);
    copy_map(doc, &map, b, la + 1);
    a->text = t;
    a->map = map;
    extend_span(&a->span, &b->span);
}

static void
join_row(struct px_doc *doc, struct px_row *into, const struct px_row *from)
{
    for (size_t k = 0; k < from->ncells; k++) {
        if (k < into->ncells)
            join_cell(doc, &into->cells[k], &from->cells[k]);
        else
            *px_row_add_cell(doc, into, NULL, 0) = from->cells[k];
    }
    into->continuation = 1;
    extend_span(&into->span, &from->span);
}

/* The first column numbers the rows when most filled number cells are short. */
static int
has_number_column(const struct px_table *t)
{
    size_t filled = 0, short_ones = 0;
    for (size_t k = header_rows(t); k < t->nrows; k++) {
        size_t n = strlen(cell_text(&t->rows[k], 0));
        filled += n > 0;
        short_ones += n > 0 && n <= NUMBER_CELL_MAX_BYTES;
    }
    return short_ones > 0 && short_ones * 2 >= filled;
}

static int
row_is_empty(const struct px_row *r)
{
    for (size_t k = 0; k < r->ncells; k++)
        if (*r->cells[k].text)
            return 0;
    return 1;
}

static void
join_continuation_rows(struct px_doc *doc, struct px_table *t)
{
    if (!has_number_column(t))
        return;
    size_t out = 0;
    struct px_row *last_data = NULL;
    for (size_t k = 0; k < t->nrows; k++) {
        struct px_row r = t->rows[k];
        if (!r.header && last_data && !*cell_text(&r, 0)) {
            if (!row_is_empty(&r))
                join_row(doc, last_data, &r);
            continue;
        }
        t->rows[out] = r;
        if (!r.header)
            last_data = &t->rows[out];
        out++;
    }
    t->nrows = out;
}

void
px_tables_merge_pages(struct px_doc *doc)
{
    size_t out = 0;
    for (size_t k = 0; k < doc->nblocks; k++) {
        struct px_block *b = &doc->blocks[k];
        struct px_block *prev = out > 0 ? &doc->blocks[out - 1] : NULL;
        if (b->type == PX_BLOCK_TABLE && b->table && prev && prev->type == PX_BLOCK_TABLE &&
            prev->table && continues(prev->table, b->table)) {
            append_rows(doc, prev, b);
            continue;
        }
        doc->blocks[out++] = *b;
    }
    doc->nblocks = out;
    for (size_t k = 0; k < doc->nblocks; k++)
        if (doc->blocks[k].type == PX_BLOCK_TABLE && doc->blocks[k].table)
            join_continuation_rows(doc, doc->blocks[k].table);
}

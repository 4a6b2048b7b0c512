#include "doc.h"

#include <string.h>

void
px_doc_init(struct px_doc *doc, const char *path, enum px_format fmt, const unsigned char *src,
            size_t len)
{
    memset(doc, 0, sizeof *doc);
    px_arena_init(&doc->arena);
    doc->path = px_arena_strdup(&doc->arena, path ? path : "");
    doc->name = px_doc_key_from_path(&doc->arena, doc->path);
    doc->format = fmt;
    doc->src = src;
    doc->src_len = len;
}

void
px_doc_release(struct px_doc *doc)
{
    px_arena_release(&doc->arena);
    memset(doc, 0, sizeof *doc);
}

struct px_block *
px_doc_add_block(struct px_doc *doc, enum px_block_type type)
{
    if (doc->nblocks == doc->cap) {
        size_t cap = doc->cap ? doc->cap * 2 : 64;
        doc->blocks =
            px_arena_grow(&doc->arena, doc->blocks, doc->nblocks, cap, sizeof *doc->blocks);
        doc->cap = cap;
    }
    struct px_block *b = &doc->blocks[doc->nblocks++];
    memset(b, 0, sizeof *b);
    b->type = type;
    b->text = "";
    return b;
}

struct px_table *
px_table_new(struct px_doc *doc)
{
    return px_arena_calloc(&doc->arena, 1, sizeof(struct px_table));
}

/* Arrays in the arena grow by doubling; capacity is implied by count (next power of two). */
static size_t
implied_cap(size_t n)
{
    size_t cap = 4;
    while (cap < n)
        cap *= 2;
    return cap;
}

struct px_row *
px_table_add_row(struct px_doc *doc, struct px_table *t)
{
    if (t->nrows == 0 || (t->nrows >= 4 && (t->nrows & (t->nrows - 1)) == 0))
        t->rows = px_arena_grow(&doc->arena, t->rows, t->nrows, implied_cap(t->nrows + 1) * 2,
                                sizeof *t->rows);
    struct px_row *r = &t->rows[t->nrows++];
    memset(r, 0, sizeof *r);
    return r;
}

struct px_cell *
px_row_add_cell(struct px_doc *doc, struct px_row *r, const char *text, size_t len)
{
    if (r->ncells == 0 || (r->ncells >= 4 && (r->ncells & (r->ncells - 1)) == 0))
        r->cells = px_arena_grow(&doc->arena, r->cells, r->ncells, implied_cap(r->ncells + 1) * 2,
                                 sizeof *r->cells);
    struct px_cell *c = &r->cells[r->ncells++];
    memset(c, 0, sizeof *c);
    c->text = px_arena_strndup(&doc->arena, text ? text : "", text ? len : 0);
    c->colspan = c->rowspan = 1;
    return c;
}

void
px_offmap_add(struct px_doc *doc, struct px_offmap *m, size_t text_off, uint64_t src_off,
              uint32_t line)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 4;
        m->pts = px_arena_grow(&doc->arena, m->pts, m->n, cap, sizeof *m->pts);
        m->cap = cap;
    }
    m->pts[m->n].text = (uint32_t)text_off;
    m->pts[m->n].src = src_off;
    m->pts[m->n].line = line;
    m->n++;
}

uint64_t
px_offmap_lookup(const struct px_offmap *m, size_t text_off, uint64_t base, uint32_t base_line,
                 uint32_t *line)
{
    if (m->n == 0) {
        if (line)
            *line = base_line;
        return base + text_off;
    }
    size_t lo = 0, hi = m->n; /* last point with .text <= text_off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->pts[mid].text <= text_off)
            lo = mid;
        else
            hi = mid;
    }
    const struct px_offmap_point *p = &m->pts[lo];
    if (line)
        *line = p->line;
    if (p->text > text_off)
        return p->src;
    return p->src + (text_off - p->text);
}

const char *
px_format_name(enum px_format fmt)
{
    switch (fmt) {
    case PX_FMT_TEXT:
        return "text";
    case PX_FMT_HTML:
        return "html";
    case PX_FMT_DOCX:
        return "docx";
    default:
        return "unknown";
    }
}

enum px_format
px_format_from_name(const char *name)
{
    if (!strcmp(name, "text"))
        return PX_FMT_TEXT;
    if (!strcmp(name, "html"))
        return PX_FMT_HTML;
    if (!strcmp(name, "docx"))
        return PX_FMT_DOCX;
    return PX_FMT_UNKNOWN;
}

const char *
px_block_type_name(enum px_block_type t)
{
    static const char *const names[] = {"heading", "paragraph", "list_item", "footnote", "table"};
    return (unsigned)t < 5 ? names[t] : "?";
}

char *
px_doc_key_from_path(struct px_arena *a, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return px_arena_strndup(a, base, n);
}

/* dump — the block stream as JSON Lines; see dump.h. */
#include "dump.h"

#include "banned.h"

json_t *
px_span_json(const struct px_span *s)
{
    return json_pack("{s:I,s:I,s:I}", "line", (json_int_t)s->line, "byte", (json_int_t)s->byte,
                     "len", (json_int_t)s->len);
}

static json_t *
cell_json(const struct px_cell *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "text", json_string(c->text ? c->text : ""));
    json_object_set_new(o, "span", px_span_json(&c->span));
    if (c->colspan > 1)
        json_object_set_new(o, "colspan", json_integer(c->colspan));
    if (c->rowspan > 1)
        json_object_set_new(o, "rowspan", json_integer(c->rowspan));
    if (c->locator)
        json_object_set_new(o, "locator", json_string(c->locator));
    return o;
}

static json_t *
row_json(const struct px_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "header", json_boolean(r->header));
    if (r->continuation)
        json_object_set_new(o, "continuation", json_true());
    json_t *cells = json_array();
    for (size_t k = 0; k < r->ncells; k++)
        json_array_append_new(cells, cell_json(&r->cells[k]));
    json_object_set_new(o, "cells", cells);
    return o;
}

static void
set_flags(json_t *o, unsigned flags)
{
    if (flags & PX_BLOCK_BOLD)
        json_object_set_new(o, "bold", json_true());
    if (flags & PX_BLOCK_ITALIC)
        json_object_set_new(o, "italic", json_true());
    if (flags & PX_BLOCK_CAPS)
        json_object_set_new(o, "caps", json_true());
}

json_t *
px_block_json(const struct px_block *b)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(px_block_type_name(b->type)));
    if (b->type == PX_BLOCK_TABLE && b->table) {
        json_t *rows = json_array();
        for (size_t k = 0; k < b->table->nrows; k++)
            json_array_append_new(rows, row_json(&b->table->rows[k]));
        json_object_set_new(o, "rows", rows);
    } else {
        if (b->level > 0)
            json_object_set_new(o, "level", json_integer(b->level));
        if (b->number)
            json_object_set_new(o, "number", json_string(b->number));
        json_object_set_new(o, "text", json_string(b->text ? b->text : ""));
        set_flags(o, b->flags);
    }
    json_object_set_new(o, "span", px_span_json(&b->span));
    if (b->locator)
        json_object_set_new(o, "locator", json_string(b->locator));
    return o;
}

static int
write_line(json_t *o, FILE *f)
{
    return json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int
px_dump_blocks(FILE *f, const struct px_doc *doc)
{
    for (size_t k = 0; k < doc->nblocks; k++) {
        json_t *o = px_block_json(&doc->blocks[k]);
        int rc = write_line(o, f);
        json_decref(o);
        if (rc != 0 || fputc('\n', f) == EOF)
            return -1;
    }
    return ferror(f) ? -1 : 0;
}

/*
 * html — portal and office-exported HTML (LibreOffice, Word "Save as web
 * page", CMS pages) into the same block stream the text parser gives.
 *
 * Steps: refuse binary input; find the declared charset (BOM, <meta charset>,
 * <meta http-equiv … charset=…>, <?xml encoding=…?>) in the first bytes;
 * convert to UTF-8 with px_to_utf8 (which refuses untrusted encodings); build
 * the element tree libxml2's HTML parser would build (html_tree.c: read
 * directly for plain pages, else by libxml2 with network off, errors silent,
 * declared encoding ignored since the bytes are UTF-8 by then); one
 * iterative walk of <body> makes blocks; tables become grids (html_table.c);
 * then px_tables_merge_pages().
 *
 * Blocks: <h1>..<h6> headings; <p>, <div> text, <li> list items (level =
 * list depth, number = "-" for <ul>, the ordinal for <ol>); a paragraph
 * opening with a numbering marker ("II.", "1.", "1.1.", "a)", "-") is split
 * and typed by numbering.h like in the text parser; footnote bodies
 * (id="sdfootnoteN", "ftnN", "ednN", "fnN") are PX_BLOCK_FOOTNOTE with
 * number N, and footnote references read as superscript digits ("chính¹").
 * White space collapses as in a browser, <br> is '\n', U+00A0 is kept.
 *
 * Spans: offsets are in the extracted text stream, defined as the blocks in
 * order, each block's text as read (marker included) followed by '\n'; a
 * table contributes each origin cell's text followed by one separator byte
 * (grid copies made by spans add nothing and keep the origin's span).
 * span.line is the source line of the element (libxml2's line numbers);
 * locator is "<tag>[N]" (the Nth such element in the document: "p[12]",
 * "li[3]", "table[2]").
 */
#include "html_internal.h"
#include "numbering.h"

#include "../pipeline/encoding.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* libxml2 takes an int length; 256 MB is far beyond any plan. */
#define MAX_INPUT_BYTES (256u << 20)
/* Where a charset declaration must appear (HTML's prescan reads 1024 bytes; be generous). */
#define PRESCAN_BYTES 4096
/* Binary sniffing window, as git does for its binary heuristic. */
#define SNIFF_BYTES 8000

enum pending_kind { PEND_PARA, PEND_HEADING, PEND_ITEM, PEND_FOOTNOTE };

struct list_frame {
    int ordered;
    char type; /* '1', 'a', 'A', 'i', 'I' */
    long next; /* ordinal of the next item */
};

struct tag_count {
    const char *name; /* tree-owned tag name */
    size_t n;
};

struct walker {
    struct html_ctx c;
    struct html_acc acc;
    struct html_style st;
    enum pending_kind kind;        /* what the text being gathered will become */
    const struct html_node *owner; /* element that set kind (li, h*, footnote) */
    int hlevel;                    /* <hN> level */
    int item_level;
    char number[32]; /* list ordinal or footnote number */
    uint32_t line;
    const char *loc; /* arena-owned locator of the pending block */
    struct list_frame *lists;
    size_t nlists, caplists;
    struct tag_count tags[24];
    size_t ntags;
};

/* ---- charset and binary sniffing ---- */

static int
ascii_ieq(const unsigned char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    return len >= n && strncasecmp((const char *)s, word, n) == 0;
}

/* Copy the charset name that follows "charset" / "encoding" at p (…= "name"). */
static int
read_charset_value(const unsigned char *p, const unsigned char *end, char *out, size_t cap)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p >= end || *p != '=')
        return 0;
    p++;
    while (p < end && (*p == ' ' || *p == '"' || *p == '\'' || *p == '\t'))
        p++;
    size_t n = 0;
    while (p < end && n + 1 < cap &&
           ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == ':'))
        out[n++] = (char)*p++;
    out[n] = '\0';
    return n > 0;
}

/* Look inside one tag (up to '>') for the attribute word and its value. */
static int
charset_in_tag(const unsigned char *p, const unsigned char *end, const char *word, char *out,
               size_t cap)
{
    size_t n = strlen(word);
    for (; p < end && *p != '>'; p++)
        if (ascii_ieq(p, (size_t)(end - p), word) && read_charset_value(p + n, end, out, cap))
            return 1;
    return 0;
}

/* The charset declared in the first bytes, into out; 0 when none is declared. */
static int
prescan_charset(const unsigned char *d, size_t len, char *out, size_t cap)
{
    const unsigned char *end = d + (len < PRESCAN_BYTES ? len : PRESCAN_BYTES);
    for (const unsigned char *p = d; p < end; p++) {
        if (*p != '<')
            continue;
        size_t left = (size_t)(end - p);
        if (ascii_ieq(p, left, "<meta") && charset_in_tag(p + 5, end, "charset", out, cap))
            return 1;
        if (ascii_ieq(p, left, "<?xml") && charset_in_tag(p + 5, end, "encoding", out, cap))
            return 1;
    }
    return 0;
}

static int
has_utf16_bom(const unsigned char *d, size_t len)
{
    return len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF));
}

static int
has_utf8_bom(const unsigned char *d, size_t len)
{
    return len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF;
}

/* Bad input that stops the file before parsing: one PX_ERROR, -1. */
static int
refuse_input(struct px_doc *doc, struct px_diag *dg)
{
    const unsigned char *d = doc->src;
    size_t len = doc->src_len;
    size_t k = 0;
    while (k < len && (d[k] == ' ' || d[k] == '\t' || d[k] == '\r' || d[k] == '\n'))
        k++;
    if (k == len) {
        px_diag_report(dg, PX_ERROR, doc->path, 0, 0, "empty HTML file '%s'", doc->path);
        return -1;
    }
    if (len > MAX_INPUT_BYTES) {
        px_diag_report(dg, PX_ERROR, doc->path, 0, 0, "HTML file too large: %zu bytes", len);
        return -1;
    }
    if (has_utf16_bom(d, len))
        return 0; /* UTF-16 has NUL bytes by nature */
    const void *nul = memchr(d, '\0', len < SNIFF_BYTES ? len : SNIFF_BYTES);
    if (nul) {
        px_diag_report(dg, PX_ERROR, doc->path, 0, 0,
                       "binary data, not HTML: NUL byte at offset %zu",
                       (size_t)((const unsigned char *)nul - d));
        return -1;
    }
    return 0;
}

/* ---- locators and list markers ---- */

/* "p[12]": the Nth element of that name met so far; arena-owned. */
static const char *
locate(struct walker *w, const struct html_node *n)
{
    size_t k = 0;
    while (k < w->ntags && w->tags[k].name != n->name && strcmp(w->tags[k].name, n->name) != 0)
        k++;
    if (k == w->ntags) {
        if (w->ntags == sizeof w->tags / sizeof w->tags[0])
            return NULL; /* an odd page with many block tag names: no locator */
        w->tags[w->ntags++] = (struct tag_count){n->name, 0};
    }
    size_t count = ++w->tags[k].n;
    struct px_buf b = PX_BUF_INIT;
    html_buf_step(&b, n->name, count);
    char *s = px_arena_strndup(&w->c.doc->arena, b.ptr, b.len);
    px_buf_release(&b);
    return s;
}

static void
roman(long v, char *out, size_t cap, int upper)
{
    static const struct {
        int v;
        const char *s;
    } digits[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"},
                  {90, "xc"},  {50, "l"},   {40, "xl"}, {10, "x"},   {9, "ix"},
                  {5, "v"},    {4, "iv"},   {1, "i"}};
    size_t o = 0;
    for (size_t k = 0; k < sizeof digits / sizeof digits[0]; k++)
        for (; v >= digits[k].v; v -= digits[k].v)
            for (const char *p = digits[k].s; *p && o + 1 < cap; p++)
                out[o++] = (char)(upper ? *p - 'a' + 'A' : *p);
    out[o] = '\0';
}

/* Ordinal of an <ol> item in the list's type: 3 → "3", "c", "C", "iii", "III". */
static void
ordinal(const struct list_frame *f, long v, char *out, size_t cap)
{
    if (v < 1 || v > 3999 || f->type == '1') {
        snprintf(out, cap, "%ld", v);
    } else if (f->type == 'i' || f->type == 'I') {
        roman(v, out, cap, f->type == 'I');
    } else {
        char tmp[16];
        size_t n = 0;
        for (; v > 0 && n < sizeof tmp; v = (v - 1) / 26)
            tmp[n++] = (char)((f->type == 'A' ? 'A' : 'a') + (v - 1) % 26);
        size_t o = 0;
        while (n > 0 && o + 1 < cap)
            out[o++] = tmp[--n];
        out[o] = '\0';
    }
}

static void
push_list(struct walker *w, const struct html_node *n)
{
    if (w->nlists == w->caplists) {
        w->caplists = w->caplists ? w->caplists * 2 : 8;
        w->lists = px_xrealloc(w->lists, w->caplists * sizeof *w->lists);
    }
    struct list_frame *f = &w->lists[w->nlists++];
    f->ordered = html_is(n, "ol");
    f->type = '1';
    f->next = html_attr_long(n, "start", 1, -1000000, 1000000);
    const char *type = html_attr(n, "type");
    if (type && strchr("1aAiI", type[0]) && type[0])
        f->type = type[0];
}

/* Number and level of a new <li>. */
static void
start_item(struct walker *w, const struct html_node *li)
{
    w->item_level = w->nlists > 0 ? (int)(w->nlists > INT_MAX ? INT_MAX : w->nlists) : 1;
    struct list_frame *f = w->nlists > 0 ? &w->lists[w->nlists - 1] : NULL;
    if (!f || !f->ordered) {
        snprintf(w->number, sizeof w->number, "-");
        return;
    }
    f->next = html_attr_long(li, "value", f->next, -1000000, 1000000);
    ordinal(f, f->next++, w->number, sizeof w->number);
}

/* ---- blocks ---- */

/* No lower-case letter and two capitals at least (text.c's rule). */
static int
all_caps(const char *s, size_t len)
{
    size_t i = 0;
    int upper = 0;
    while (i < len) {
        UChar32 cp;
        U8_NEXT(s, i, len, cp);
        if (cp < 0)
            continue;
        if (u_islower(cp))
            return 0;
        upper += u_isupper(cp) != 0;
    }
    return upper >= 2;
}

static char *
arena_copy(struct walker *w, const char *s, size_t n)
{
    return px_arena_strndup(&w->c.doc->arena, s, n);
}

/* Unmarked bold or capital text this short, not ending a sentence, is a title (as in text.c). */
#define TITLE_MAX_BYTES 400

static int
ends_sentence(const char *s, size_t len)
{
    return len > 0 && (s[len - 1] == '.' || s[len - 1] == ';' || s[len - 1] == ',');
}

/* A paragraph typed like the text parser types a line: by its marker, else by emphasis. */
static size_t
classify_paragraph(struct walker *w, const char *s, size_t len, int strong, struct px_block *b)
{
    struct px_marker m;
    if (px_marker_parse(s, len, &m)) {
        b->type = px_marker_block_type(&m, s + m.text_off, len - m.text_off, strong);
        b->level = m.kind == PX_MARKER_BULLET ? 1 : px_marker_level(&m);
        b->number = arena_copy(w, s, m.num_len);
        return m.text_off;
    }
    if (strong && len <= TITLE_MAX_BYTES && !ends_sentence(s, len)) {
        b->type = PX_BLOCK_HEADING;
        b->level = (b->flags & PX_BLOCK_CAPS) ? 1 : 2;
    }
    return 0;
}

/*
 * Type, number and level of the gathered text (b->flags already set);
 * returns where the text after the marker starts. Markup wins: an <hN> is a
 * heading (of the level its number gives, else N) and an <li> an item.
 */
static size_t
classify(struct walker *w, const char *s, size_t len, struct px_block *b)
{
    struct px_marker m;
    switch (w->kind) {
    case PEND_FOOTNOTE:
        b->type = PX_BLOCK_FOOTNOTE;
        b->number = w->number[0] ? arena_copy(w, w->number, strlen(w->number)) : NULL;
        return 0;
    case PEND_ITEM:
        b->type = PX_BLOCK_LIST_ITEM;
        b->level = w->item_level;
        b->number = arena_copy(w, w->number, strlen(w->number));
        return 0;
    case PEND_HEADING:
        b->type = PX_BLOCK_HEADING;
        b->level = w->hlevel;
        if (!px_marker_parse(s, len, &m) || m.kind == PX_MARKER_BULLET)
            return 0;
        b->level = px_marker_level(&m); /* the number says the rank, whatever tag was used */
        b->number = arena_copy(w, s, m.num_len);
        return m.text_off;
    case PEND_PARA:
        break;
    }
    return classify_paragraph(w, s, len, (b->flags & (PX_BLOCK_BOLD | PX_BLOCK_CAPS)) != 0, b);
}

/* A non-breaking space (U+00A0, "&nbsp;") at p[0..2)? */
static int
is_nbsp(const char *p, size_t left)
{
    return left >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0;
}

/* Drop the white space around the gathered text, "&nbsp;" included: portal
 * pages indent paragraphs with it, and a marker ("- …", "1. …") must open
 * the text to be seen. */
static void
trim_acc(struct html_acc *a)
{
    struct px_buf *b = &a->buf;
    size_t start = 0;
    for (;;) {
        if (start < b->len && (b->ptr[start] == '\n' || b->ptr[start] == ' '))
            start++;
        else if (is_nbsp(b->ptr + start, b->len - start))
            start += 2;
        else
            break;
    }
    for (;;) {
        if (b->len > start && (b->ptr[b->len - 1] == '\n' || b->ptr[b->len - 1] == ' '))
            b->len--;
        else if (b->len >= start + 2 && is_nbsp(b->ptr + b->len - 2, 2))
            b->len -= 2;
        else
            break;
    }
    if (start > 0)
        memmove(b->ptr, b->ptr + start, b->len - start);
    px_buf_truncate(b, b->len - start);
}

static void
emit(struct walker *w)
{
    const char *s = w->acc.buf.ptr;
    size_t len = w->acc.buf.len;
    struct px_block *b = px_doc_add_block(w->c.doc, PX_BLOCK_PARAGRAPH);
    if (w->acc.bold > 0 && w->acc.plain == 0)
        b->flags |= PX_BLOCK_BOLD;
    if (w->acc.italic > 0 && w->acc.italic == w->acc.bold + w->acc.plain)
        b->flags |= PX_BLOCK_ITALIC;
    if (all_caps(s, len))
        b->flags |= PX_BLOCK_CAPS;
    size_t off = classify(w, s, len, b);
    b->text = arena_copy(w, s + off, len - off);
    b->span.line = w->line;
    b->span.byte = w->c.stream;
    b->span.len = len;
    if (off > 0)
        px_offmap_add(w->c.doc, &b->map, 0, w->c.stream + off, w->line);
    b->locator = (char *)w->loc;
    w->c.stream += len + 1;
}

/* Emit the gathered text, if any, as one block; the pending kind survives an empty flush. */
static void
flush(struct walker *w)
{
    trim_acc(&w->acc);
    if (w->acc.buf.len > 0) {
        emit(w);
        w->kind = PEND_PARA;
        w->line = 0;
        w->loc = NULL;
    }
    html_acc_reset(&w->acc);
}

/* ---- the walk ---- */

/* id="sdfootnote3" (LibreOffice), "ftn3"/"edn3" (Word), "fn3" (pandoc): the digits, or 0. */
static int
footnote_id(const struct html_node *n, char *num, size_t cap)
{
    static const char *const prefixes[] = {"sdfootnote", "ftn", "edn", "fn"};
    const char *id = html_attr(n, "id");
    int yes = 0;
    for (size_t k = 0; id && !yes && k < sizeof prefixes / sizeof prefixes[0]; k++) {
        size_t pl = strlen(prefixes[k]);
        if (strncmp(id, prefixes[k], pl) != 0)
            continue;
        const char *d = id + pl;
        size_t nd = strspn(d, "0123456789");
        if (nd > 0 && d[nd] == '\0' && nd < cap) {
            memcpy(num, d, nd);
            num[nd] = '\0';
            yes = 1;
        }
    }
    return yes;
}

/* The back-link of a footnote body ("1" of LibreOffice, "[1]" of Word, "↩" of pandoc). */
static int
is_note_backlink(const struct html_node *n)
{
    if (!html_is(n, "a"))
        return 0;
    const char *cls = html_attr(n, "class");
    const char *h = html_attr(n, "href");
    int yes = (cls && (strstr(cls, "sdfootnotesym") || strstr(cls, "footnote-back"))) ||
              (h && (strncmp(h, "#_ftnref", 8) == 0 || strncmp(h, "#_ednref", 8) == 0 ||
                     (strncmp(h, "#sdfootnote", 11) == 0 && strstr(h, "anc"))));
    return yes;
}

static int
heading_level(const struct html_node *n)
{
    const char *s = n->name;
    if ((s[0] == 'h' || s[0] == 'H') && s[1] >= '1' && s[1] <= '6' && s[2] == '\0')
        return s[1] - '0';
    return 0;
}

/* One column used for layout (a whole page inside a table): its content is ordinary blocks. */
static int
row_is_wide(const struct html_node *tr)
{
    int cells = 0;
    for (const struct html_node *td = tr->children; td; td = td->next)
        cells += html_is(td, "td") || html_is(td, "th");
    return cells > 1;
}

static int
is_layout_table(const struct html_node *table)
{
    for (const struct html_node *g = table->children; g; g = g->next) {
        if (html_is(g, "tr") && row_is_wide(g))
            return 0;
        for (const struct html_node *tr = html_is(g, "tr") ? NULL : g->children; tr; tr = tr->next)
            if (html_is(tr, "tr") && row_is_wide(tr))
                return 0;
    }
    return 1;
}

static void
enter_block(struct walker *w, struct html_node *n)
{
    flush(w);
    int hl = heading_level(n);
    char num[16];
    const char *loc = locate(w, n);
    int sets_kind = 1;
    if (html_is(n, "li")) {
        w->kind = PEND_ITEM;
        start_item(w, n);
    } else if (hl > 0) {
        w->kind = PEND_HEADING;
        w->hlevel = hl;
    } else if (footnote_id(n, num, sizeof num)) {
        w->kind = PEND_FOOTNOTE;
        snprintf(w->number, sizeof w->number, "%s", num);
    } else {
        sets_kind = 0;
        if (html_is(n, "ul") || html_is(n, "ol"))
            push_list(w, n);
    }
    if (sets_kind)
        w->owner = n;
    if (sets_kind || w->kind == PEND_PARA) {
        w->loc = loc;
        w->line = (uint32_t)html_line(n);
    }
}

static void
leave_block(struct walker *w, struct html_node *n)
{
    flush(w);
    if (n == w->owner) {
        w->kind = PEND_PARA;
        w->owner = NULL;
        w->number[0] = '\0';
    }
    if ((html_is(n, "ul") || html_is(n, "ol")) && w->nlists > 0)
        w->nlists--;
}

static int
is_text(const struct html_node *n)
{
    return n->type == XML_TEXT_NODE;
}

/* Nodes the walk skips entirely (enter returns 0 and leave does nothing for them). */
static int
skipped(const struct html_node *n)
{
    return n->type != XML_ELEMENT_NODE || html_is_hidden(n) || html_is(n, "br") ||
           is_note_backlink(n) || (html_is(n, "table") && !is_layout_table(n));
}

static int
walk_enter(void *ctx, struct html_node *n)
{
    struct walker *w = ctx;
    if (is_text(n)) {
        if (w->line == 0)
            w->line = (uint32_t)html_line(n);
        html_acc_text(&w->acc, n->content, n->len, &w->st);
        return 0;
    }
    if (!skipped(n)) {
        html_style_update(&w->st, n, +1);
        if (html_is_block(n))
            enter_block(w, n);
        return 1;
    }
    if (html_is(n, "br")) {
        html_acc_newline(&w->acc);
    } else if (html_is(n, "table")) {
        flush(w);
        html_table(&w->c, n);
    }
    return 0;
}

static void
walk_leave(void *ctx, struct html_node *n)
{
    struct walker *w = ctx;
    if (is_text(n) || skipped(n))
        return;
    html_style_update(&w->st, n, -1);
    if (html_is_block(n))
        leave_block(w, n);
}

static void
walk_body(struct px_doc *doc, struct px_diag *dg, struct html_node *body)
{
    static const struct html_walk_ops ops = {walk_enter, walk_leave};
    struct walker w;
    memset(&w, 0, sizeof w);
    w.c.doc = doc;
    w.c.dg = dg;
    w.acc.buf = (struct px_buf)PX_BUF_INIT;
    html_walk(body, &ops, &w);
    flush(&w);
    px_buf_release(&w.acc.buf);
    free(w.lists);
}

/* ---- entry ---- */

static int
to_utf8(struct px_doc *doc, struct px_diag *dg, struct px_buf *out)
{
    char declared[64];
    const char *cs = NULL;
    if (!has_utf8_bom(doc->src, doc->src_len) && !has_utf16_bom(doc->src, doc->src_len) &&
        prescan_charset(doc->src, doc->src_len, declared, sizeof declared))
        cs = declared; /* a byte order mark wins over a declaration, as in browsers */
    enum px_encoding enc;
    if (px_to_utf8(doc->path, doc->src, doc->src_len, cs, out, &enc, dg) != 0)
        return -1;
    if (has_utf8_bom((const unsigned char *)out->ptr, out->len)) {
        memmove(out->ptr, out->ptr + 3, out->len - 3);
        px_buf_truncate(out, out->len - 3);
    }
    return 0;
}

int
px_parse_html(struct px_doc *doc, struct px_diag *dg)
{
    if (refuse_input(doc, dg) != 0)
        return -1;
    struct px_buf u8 = PX_BUF_INIT;
    if (to_utf8(doc, dg, &u8) != 0) {
        px_buf_release(&u8);
        return -1;
    }
    int rc = -1;
    struct html_tree tree;
    if (html_tree_build(&tree, doc->path, u8.ptr, u8.len) != 0) {
        px_diag_report(dg, PX_ERROR, doc->path, 0, 0, "no HTML content in '%s'", doc->path);
        goto done;
    }
    walk_body(doc, dg, tree.body);
    px_tables_merge_pages(doc);
    if (doc->nblocks == 0) {
        px_diag_report(dg, PX_ERROR, doc->path, 0, 0, "no text in HTML file '%s'", doc->path);
        goto done;
    }
    rc = 0;
done:
    html_tree_release(&tree);
    px_buf_release(&u8);
    return rc;
}

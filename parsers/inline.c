/* inline — HTML fragments, markdown emphasis and LaTeX math to plain text; see inline.h. */
#include "inline.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* A hostile fragment may nest tags without end; deeper elements are skipped. */
#define HTML_MAX_DEPTH 64
/* A text node is looked for this far past the previous one (the tags between), which keeps
 * a fragment of many entity-decoded nodes linear. */
#define TAG_WINDOW_BYTES 4096
/* A '$' opens math only when its closing '$' is this close: a lone '$' is a dollar sign. */
#define MATH_MAX_BYTES 200

void
px_inline_init(struct px_inline *in)
{
    memset(in, 0, sizeof *in);
    in->text = (struct px_buf)PX_BUF_INIT;
    in->next_src = UINT64_MAX;
    in->exact = 1;
}

void
px_inline_release(struct px_inline *in)
{
    px_buf_release(&in->text);
    free(in->pts);
    px_inline_init(in);
}

void
px_inline_clear(struct px_inline *in)
{
    px_buf_clear(&in->text);
    in->n = 0;
    in->next_src = UINT64_MAX;
    in->exact = 1;
}

static void
add_point(struct px_inline *in, uint64_t src, uint32_t line)
{
    if (in->n > 0 && in->pts[in->n - 1].text == in->text.len) {
        in->n--; /* nothing was written since that checkpoint: this one replaces it */
    }
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 8;
        in->pts = px_xrealloc(in->pts, in->cap * sizeof *in->pts);
    }
    in->pts[in->n].text = (uint32_t)in->text.len;
    in->pts[in->n].src = src;
    in->pts[in->n].line = line;
    in->n++;
}

void
px_inline_copy(struct px_inline *in, const char *src, uint64_t off, size_t len, uint32_t line)
{
    if (len == 0)
        return;
    if (in->n == 0 && in->text.len == 0) {
        add_point(in, off, line);
    } else if (in->next_src != off) {
        add_point(in, off, line);
        in->exact = 0;
    }
    px_buf_put(&in->text, src + off, len);
    in->next_src = off + len;
}

void
px_inline_replace(struct px_inline *in, const char *s, size_t len, uint64_t src_off, uint32_t line)
{
    if (len == 0)
        return;
    add_point(in, src_off, line);
    px_buf_put(&in->text, s, len);
    in->exact = 0;
    in->next_src = UINT64_MAX;
}

static void
truncate_to(struct px_inline *in, size_t len)
{
    if (len >= in->text.len)
        return;
    px_buf_truncate(&in->text, len);
    while (in->n > 0 && in->pts[in->n - 1].text >= len)
        in->n--;
    in->next_src = UINT64_MAX;
}

void
px_inline_rtrim(struct px_inline *in)
{
    size_t len = in->text.len;
    while (len > 0 && (in->text.ptr[len - 1] == ' ' || in->text.ptr[len - 1] == '\t'))
        len--;
    truncate_to(in, len);
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_ascii_punct(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

/* LaTeX commands converters write for comparison signs and the like. */
static const struct {
    const char *cmd;
    const char *text;
} latex_symbols[] = {
    {"geq", "\xE2\x89\xA5"},
    {"ge", "\xE2\x89\xA5"},
    {"geqslant", "\xE2\x89\xA5"},
    {"leq", "\xE2\x89\xA4"},
    {"le", "\xE2\x89\xA4"},
    {"leqslant", "\xE2\x89\xA4"},
    {"times", "\xC3\x97"},
    {"pm", "\xC2\xB1"},
    {"neq", "\xE2\x89\xA0"},
    {"ne", "\xE2\x89\xA0"},
    {"approx", "\xE2\x89\x88"},
    {"cdot", "\xC2\xB7"},
    {"div", "\xC3\xB7"},
    {"ldots", "\xE2\x80\xA6"},
    {"to", "\xE2\x86\x92"},
    {"rightarrow", "\xE2\x86\x92"},
    {"circ", "\xC2\xB0"},
    {"%", "%"},
    {"$", "$"},
    {"&", "&"},
    {"_", "_"},
    {"#", "#"},
    {",", " "},
    {";", " "},
    {" ", " "},
    {"{", "{"},
    {"}", "}"},
};

static const char *
latex_lookup(const char *name, size_t len)
{
    for (size_t k = 0; k < sizeof latex_symbols / sizeof latex_symbols[0]; k++)
        if (strlen(latex_symbols[k].cmd) == len && memcmp(latex_symbols[k].cmd, name, len) == 0)
            return latex_symbols[k].text;
    return NULL;
}

/* Math content src[a..b): commands replaced, braces and sub/superscript marks dropped. */
static void
render_math(struct px_inline *in, const char *src, size_t a, size_t b, uint32_t line)
{
    while (a < b && is_space(src[a]))
        a++;
    while (b > a && is_space(src[b - 1]))
        b--;
    size_t i = a, run = a;
    while (i < b) {
        char c = src[i];
        if (c != '\\' && c != '{' && c != '}' && c != '^' && c != '_' && c != '~') {
            i++;
            continue;
        }
        px_inline_copy(in, src, run, i - run, line);
        size_t at = i++;
        if (c == '~') {
            px_inline_replace(in, " ", 1, at, line);
        } else if (c == '\\' && i < b) {
            size_t name = i;
            if (is_alpha(src[i]))
                while (i < b && is_alpha(src[i]))
                    i++;
            else
                i++;
            const char *sym = latex_lookup(src + name, i - name);
            if (sym)
                px_inline_replace(in, sym, strlen(sym), at, line);
            if (is_alpha(src[name]) && i < b && src[i] == ' ' && !sym)
                i++; /* an unknown command swallows its space, like TeX */
        }
        run = i;
    }
    px_inline_copy(in, src, run, b - run, line);
}

/* '$' at i opens math when a closing delimiter follows soon and the content has a command. */
static int
find_math(const char *src, size_t i, size_t end, size_t *open, size_t *close)
{
    size_t d = (i + 1 < end && src[i + 1] == '$') ? 2 : 1;
    size_t limit = end - i > MATH_MAX_BYTES ? i + MATH_MAX_BYTES : end;
    int command = 0;
    for (size_t j = i + d; j + d <= limit; j++) {
        if (src[j] == '\\')
            command = 1;
        if (src[j] == '$' && (d == 1 || src[j + 1] == '$')) {
            if (!command || j == i + d)
                return 0;
            *open = d;
            *close = j;
            return 1;
        }
    }
    return 0;
}

/* A run of '*' is emphasis unless it stands alone between spaces ("a * b") or inside a word. */
static int
is_emphasis(const char *src, size_t start, size_t end, size_t i, size_t j)
{
    if (j - i >= 2)
        return 1;
    int open_left = i == start || is_space(src[i - 1]);
    int open_right = j == end || is_space(src[j]);
    return open_left != open_right;
}

static void
render_plain(struct px_inline *in, const char *src, size_t start, size_t end, uint32_t line)
{
    size_t i = start, run = start, open, close;
    while (i < end) {
        char c = src[i];
        if (c == '*') {
            size_t j = i;
            while (j < end && src[j] == '*')
                j++;
            if (is_emphasis(src, start, end, i, j)) {
                px_inline_copy(in, src, run, i - run, line);
                run = j;
            }
            i = j;
        } else if (c == '\\' && i + 1 < end && is_ascii_punct(src[i + 1])) {
            px_inline_copy(in, src, run, i - run, line);
            run = i + 1; /* keep the escaped character */
            i += 2;
        } else if (c == '$' && find_math(src, i, end, &open, &close)) {
            px_inline_copy(in, src, run, i - run, line);
            render_math(in, src, i + open, close, line);
            i = run = close + open;
        } else {
            i++;
        }
    }
    px_inline_copy(in, src, run, end - run, line);
}

int
px_inline_has_html(const char *src, size_t start, size_t end)
{
    for (size_t i = start; i + 1 < end; i++) {
        char c = src[i], d = src[i + 1];
        if (c == '<' && (is_alpha(d) || d == '/' || d == '!'))
            return 1;
        if (c == '&' && (is_alpha(d) || d == '#')) {
            size_t j = i + 1;
            while (j < end && j - i <= 10 &&
                   (is_alpha(src[j]) || src[j] == '#' || (src[j] >= '0' && src[j] <= '9')))
                j++;
            if (j < end && src[j] == ';')
                return 1;
        }
    }
    return 0;
}

struct html_walk {
    struct px_inline *in;
    const char *src;
    size_t cursor, end; /* text nodes are searched for in src[cursor..end) */
    size_t base;        /* text length when this fragment started */
    uint32_t line;
};

static const char *
find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0 || nlen > hlen)
        return NULL;
    const char *p = hay, *last = hay + hlen - nlen;
    while (p <= last && (p = memchr(p, needle[0], (size_t)(last - p) + 1)) != NULL) {
        if (memcmp(p, needle, nlen) == 0)
            return p;
        p++;
    }
    return NULL;
}

static int
at_line_start(const struct html_walk *w)
{
    const struct px_buf *t = &w->in->text;
    return t->len == w->base || t->ptr[t->len - 1] == '\n';
}

static void
html_newline(struct html_walk *w)
{
    px_inline_rtrim(w->in);
    if (!at_line_start(w))
        px_inline_replace(w->in, "\n", 1, w->cursor, w->line);
}

/* A text node: found verbatim in the source it maps there (and gets the plain rules),
 * else (entities were decoded) it stands for the source at the cursor. */
static void
html_text(struct html_walk *w, const char *t)
{
    size_t len = strlen(t), window = w->end - w->cursor;
    if (window > len + TAG_WINDOW_BYTES)
        window = len + TAG_WINDOW_BYTES;
    const char *p = find_bytes(w->src + w->cursor, window, t, len);
    size_t skip = 0;
    if (at_line_start(w))
        while (skip < len && is_space(t[skip]))
            skip++;
    if (skip == len)
        return;
    if (p) {
        size_t at = (size_t)(p - w->src);
        render_plain(w->in, w->src, at + skip, at + len, w->line);
        w->cursor = at + len;
    } else {
        px_inline_replace(w->in, t + skip, len - skip, w->cursor, w->line);
    }
}

static int
name_in(const xmlChar *name, const char *const *names, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (xmlStrcasecmp(name, (const xmlChar *)names[k]) == 0)
            return 1;
    return 0;
}

static const char *const block_tags[] = {"p",  "div", "li", "tr", "ul", "ol", "table",
                                         "h1", "h2",  "h3", "h4", "h5", "h6", "blockquote"};
static const char *const skipped_tags[] = {"script", "style", "head", "title"};

static void
html_walk_nodes(struct html_walk *w, xmlNodePtr n, int depth)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                html_text(w, (const char *)n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || depth >= HTML_MAX_DEPTH)
            continue;
        if (name_in(n->name, skipped_tags, sizeof skipped_tags / sizeof skipped_tags[0]))
            continue;
        if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
            html_newline(w);
            continue;
        }
        int block = name_in(n->name, block_tags, sizeof block_tags / sizeof block_tags[0]);
        if (block)
            html_newline(w);
        html_walk_nodes(w, n->children, depth + 1);
        if (block)
            html_newline(w);
    }
}

/* Drop the spaces and newlines a fragment leaves at its end. */
static void
trim_fragment_end(struct px_inline *in, size_t base)
{
    size_t len = in->text.len;
    while (len > base && is_space(in->text.ptr[len - 1]))
        len--;
    truncate_to(in, len);
}

static void
render_html(struct px_inline *in, const char *src, size_t start, size_t end, uint32_t line)
{
    if (end - start > INT_MAX) {
        render_plain(in, src, start, end, line);
        return;
    }
    int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING;
    htmlDocPtr d = htmlReadMemory(src + start, (int)(end - start), NULL, "UTF-8", opts);
    if (!d) {
        render_plain(in, src, start, end, line);
        return;
    }
    struct html_walk w = {in, src, start, end, in->text.len, line};
    html_walk_nodes(&w, d->children, 0);
    trim_fragment_end(in, w.base);
    xmlFreeDoc(d);
}

void
px_inline_render(struct px_inline *in, const char *src, size_t start, size_t end, uint32_t line)
{
    if (start >= end)
        return;
    if (memchr(src + start, '<', end - start) || memchr(src + start, '&', end - start)) {
        if (px_inline_has_html(src, start, end)) {
            render_html(in, src, start, end, line);
            return;
        }
    }
    render_plain(in, src, start, end, line);
}

void
px_inline_attach(struct px_doc *doc, const struct px_inline *in, uint64_t span_byte, char **text,
                 struct px_offmap *map)
{
    *text = px_arena_strndup(&doc->arena, in->text.ptr, in->text.len);
    memset(map, 0, sizeof *map);
    if (in->n == 0 || (in->exact && in->pts[0].src == span_byte))
        return;
    for (size_t k = 0; k < in->n; k++)
        px_offmap_add(doc, map, in->pts[k].text, in->pts[k].src, in->pts[k].line);
}

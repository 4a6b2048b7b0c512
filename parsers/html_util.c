/* html_util — text accumulation, tree walk, element and attribute tests of the HTML parser. */
#include "html_internal.h"

#include <stdlib.h>
#include <string.h>

/* U+2070.. superscript digits: footnote references read "chính¹" as in converter text. */
static const char *const superscripts[10] = {
    "\xE2\x81\xB0", "\xC2\xB9",     "\xC2\xB2",     "\xC2\xB3",     "\xE2\x81\xB4",
    "\xE2\x81\xB5", "\xE2\x81\xB6", "\xE2\x81\xB7", "\xE2\x81\xB8", "\xE2\x81\xB9",
};

static int
is_html_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void
count_style(struct html_acc *a, unsigned char c, const struct html_style *st)
{
    if ((c & 0xC0) == 0x80)
        return; /* count characters, not continuation bytes */
    if (st->bold > 0)
        a->bold++;
    else
        a->plain++;
    if (st->italic > 0)
        a->italic++;
}

/* Bytes html_acc_text() copies as they are outside <pre> and <sup>: not space. */
static size_t
plain_run(const unsigned char *p, const unsigned char *end)
{
    size_t k = 0;
    while (p + k < end && !is_html_space(p[k]))
        k++;
    return k;
}

void
html_acc_text(struct html_acc *a, const char *s, size_t len, const struct html_style *st)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    if (st->pre == 0 && st->sup == 0) {
        /* The common case, a run at a time: same output as the loop below. */
        while (p < end) {
            if (is_html_space(*p)) {
                a->space = 1;
                p++;
                continue;
            }
            size_t k = plain_run(p, end);
            if (a->space && a->buf.len > 0 && a->buf.ptr[a->buf.len - 1] != '\n')
                px_buf_putc(&a->buf, ' ');
            a->space = 0;
            size_t chars = 0;
            for (size_t i = 0; i < k; i++)
                chars += (p[i] & 0xC0) != 0x80;
            if (st->bold > 0)
                a->bold += chars;
            else
                a->plain += chars;
            if (st->italic > 0)
                a->italic += chars;
            px_buf_put(&a->buf, p, k);
            p += k;
        }
        return;
    }
    for (; p < end; p++) {
        unsigned char c = *p;
        if (st->pre > 0 && c == '\n') {
            px_buf_putc(&a->buf, '\n');
            a->space = 0;
            continue;
        }
        if (is_html_space(c) && (st->pre == 0 || c == '\r')) {
            a->space = st->pre == 0;
            continue;
        }
        if (a->space && a->buf.len > 0 && a->buf.ptr[a->buf.len - 1] != '\n')
            px_buf_putc(&a->buf, ' ');
        a->space = 0;
        count_style(a, c, st);
        if (st->sup > 0 && c >= '0' && c <= '9')
            px_buf_puts(&a->buf, superscripts[c - '0']);
        else if (st->sup > 0 && (c == '[' || c == ']'))
            continue; /* "[1]" of a footnote reference */
        else
            px_buf_putc(&a->buf, (char)c);
    }
}

void
html_buf_step(struct px_buf *b, const char *name, size_t n)
{
    char digits[24];
    size_t k = sizeof digits;
    do {
        digits[--k] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    px_buf_puts(b, name);
    px_buf_putc(b, '[');
    px_buf_put(b, digits + k, sizeof digits - k);
    px_buf_putc(b, ']');
}

void
html_acc_newline(struct html_acc *a)
{
    if (a->buf.len > 0 && a->buf.ptr[a->buf.len - 1] != '\n')
        px_buf_putc(&a->buf, '\n');
    a->space = 0;
}

void
html_acc_reset(struct html_acc *a)
{
    px_buf_clear(&a->buf);
    a->space = 0;
    a->bold = a->italic = a->plain = 0;
}

void
html_walk(struct html_node *root, const struct html_walk_ops *ops, void *ctx)
{
    struct html_node *n = root;
    while (n) {
        if (ops->enter(ctx, n) && n->children) {
            n = n->children;
            continue;
        }
        for (;;) {
            ops->leave(ctx, n);
            if (n == root)
                return;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
        }
    }
}

int
html_is(const struct html_node *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->name[0] == name[0] && strcmp(n->name, name) == 0;
}

static int
name_in(const struct html_node *n, const char *const *names, size_t count)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return 0;
    for (size_t k = 0; k < count; k++)
        if (n->name[0] == names[k][0] && strcmp(n->name, names[k]) == 0)
            return 1;
    return 0;
}

int
html_is_hidden(const struct html_node *n)
{
    static const char *const hidden[] = {"script",   "style",  "head",   "title", "noscript",
                                         "template", "iframe", "object", "embed", "svg",
                                         "math",     "nav",    "select", "button"};
    return name_in(n, hidden, sizeof hidden / sizeof hidden[0]);
}

int
html_is_block(const struct html_node *n)
{
    static const char *const blocks[] = {
        "p",          "div",     "h1",      "h2",     "h3",     "h4",         "h5",
        "h6",         "ul",      "ol",      "li",     "dl",     "dt",         "dd",
        "table",      "tr",      "td",      "th",     "thead",  "tbody",      "tfoot",
        "caption",    "section", "article", "main",   "header", "footer",     "aside",
        "blockquote", "pre",     "address", "center", "figure", "figcaption", "form",
        "fieldset",   "hr",      "br",      "body",   "html",   "hgroup",     "details",
        "summary",
    };
    /* libxml2 drops the prefix of Word's <o:p>: a <p> inside a <p> can only be that, inline */
    if (html_is(n, "p") && html_is(n->parent, "p"))
        return 0;
    return name_in(n, blocks, sizeof blocks / sizeof blocks[0]);
}

/* Value after "prop:" in a CSS declaration list, or NULL. */
static const char *
css_value(const char *style, const char *prop)
{
    const char *p = strstr(style, prop);
    if (!p)
        return NULL;
    p += strlen(prop);
    while (*p == ' ' || *p == ':')
        p++;
    return p;
}

static int
css_bold(const char *style)
{
    const char *v = css_value(style, "font-weight");
    if (!v)
        return 0;
    if (strncmp(v, "bold", 4) == 0)
        return 1;
    return atoi(v) >= 600;
}

static int
css_italic(const char *style)
{
    const char *v = css_value(style, "font-style");
    return v && strncmp(v, "italic", 6) == 0;
}

const char *
html_attr(const struct html_node *n, const char *name)
{
    for (const struct html_attr *a = n->properties; a; a = a->next)
        if (a->name[0] == name[0] && strcmp(a->name, name) == 0)
            return a->value;
    return NULL;
}

/* References to a footnote inside the text: LibreOffice, Word and pandoc spellings. */
static int
is_note_ref(const struct html_node *n)
{
    if (!html_is(n, "a"))
        return 0;
    const char *cls = html_attr(n, "class");
    const char *href = html_attr(n, "href");
    int yes = (cls && (strstr(cls, "sdfootnoteanc") || strstr(cls, "footnote-ref"))) ||
              (href && (strncmp(href, "#_ftn", 5) == 0 || strncmp(href, "#_edn", 5) == 0) &&
               strncmp(href + 5, "ref", 3) != 0);
    return yes;
}

void
html_style_update(struct html_style *st, const struct html_node *n, int sign)
{
    if (html_is(n, "b") || html_is(n, "strong"))
        st->bold += sign;
    else if (html_is(n, "i") || html_is(n, "em"))
        st->italic += sign;
    else if (html_is(n, "sup") || is_note_ref(n))
        st->sup += sign;
    else if (html_is(n, "pre"))
        st->pre += sign;
    if (!n->properties)
        return; /* no style attribute */
    const char *style = html_attr(n, "style");
    if (style) {
        if (css_bold(style))
            st->bold += sign;
        if (css_italic(style))
            st->italic += sign;
    }
}

long
html_attr_long(const struct html_node *n, const char *name, long def, long lo, long hi)
{
    const char *v = html_attr(n, name);
    if (!v)
        return def;
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v)
        x = def;
    return x < lo ? lo : x > hi ? hi : x;
}

long
html_line(const struct html_node *n)
{
    return n->line;
}

/*
 * html_tree — the element tree of a page, as libxml2's HTML parser builds it.
 *
 * libxml2's HTML parser reads a character at a time and builds a full DOM;
 * on plan pages that was most of the parse. Most pages are plain: explicit
 * <html>, <head> and <body>, known tags, quoted attributes, named or numeric
 * character references. For those, read_page() builds the same tree straight
 * from the bytes, applying libxml2's own rules where they matter: which start
 * tag closes which open element (asked of libxml2 itself through
 * htmlAutoCloseTag()), end tags closing what they enclose (libxml2's end
 * priorities), empty elements (htmlTagLookup()), entities (htmlEntityLookup()),
 * and line numbers (a text node gets the line libxml2's first character
 * callback for it sees). Anything outside that subset (comments, processing
 * instructions, unknown or prefixed tags, odd references, control bytes,
 * misnested end tags, more than 65,534 lines, ...) makes read_page() give up,
 * and the page goes through libxml2 (network off, no DTD, errors silent),
 * whose tree is copied into the same node type. Either way the walk in
 * html.c sees one kind of tree.
 *
 * Everything lives in the tree's arena; text with no reference in it points
 * into the caller's buffer, which must outlive the tree.
 */
#include "html_internal.h"

#include "charref.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* libxml2 keeps line numbers in 16 bits: past this, read through libxml2. */
#define MAX_FAST_LINES 65534
/* libxml2 hands text to its tree 1,000 bytes at a time (HTML_PARSER_BIG_BUFFER_SIZE). */
#define TEXT_CHUNK 1000
/* libxml2's default depth limit (xmlParserMaxDepth): deeper pages go through libxml2. */
#define MAX_DEPTH 256
/* libxml2 reads names into a buffer this long (HTML_PARSER_BUFFER_SIZE). */
#define MAX_NAME 100

/* Body tags read without libxml2, sorted for bsearch. Others send the page to libxml2. */
static const char *const known_tags[] = {
    "a",       "abbr",  "article", "aside",  "b",        "big",  "blockquote", "br",    "caption",
    "center",  "cite",  "code",    "col",    "colgroup", "dd",   "div",        "dl",    "dt",
    "em",      "font",  "footer",  "h1",     "h2",       "h3",   "h4",         "h5",    "h6",
    "header",  "hr",    "i",       "img",    "li",       "main", "ol",         "p",     "s",
    "section", "small", "span",    "strike", "strong",   "sub",  "sup",        "table", "tbody",
    "td",      "tfoot", "th",      "thead",  "tr",       "u",    "ul",
};
#define NTAGS (sizeof known_tags / sizeof known_tags[0])

/* Start tags that close an open element of the same name (libxml2's htmlStartClose). */
static const char *const same_name_closes[] = {"a",     "col", "colgroup", "li", "p",
                                               "tbody", "td",  "th",       "tr"};

struct reader {
    struct html_tree *t;
    const char *p, *end;  /* where reading is, the end of the page */
    const char *line_pos; /* line_at() counted newlines up to here */
    long line;
    struct html_node **stack; /* open elements: html, body, then what body holds */
    size_t depth;
    signed char closes[NTAGS][NTAGS]; /* -1 unknown, else does new [i] close open [j] */
    signed char empty[NTAGS];
    char name[16];
};

/* ---- small helpers ---- */

static int
is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* Characters libxml2 also takes in a name after its first. */
static int
is_name_punct(unsigned char c)
{
    return c == ':' || c == '-' || c == '_' || c == '.';
}

/* The line of position q (q never goes back): 1 + newlines before it. */
static long
line_at(struct reader *r, const char *q)
{
    for (const char *x = r->line_pos; x < q; x++) {
        x = memchr(x, '\n', (size_t)(q - x));
        if (!x)
            break;
        r->line++;
    }
    r->line_pos = q;
    return r->line;
}

static void
skip_blanks(struct reader *r)
{
    while (r->p < r->end && is_blank((unsigned char)*r->p))
        r->p++;
}

static int
tag_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* Index of a known tag name, or -1. */
static int
tag_id(const char *name)
{
    const char *const *hit = bsearch(name, known_tags, NTAGS, sizeof known_tags[0], tag_cmp);
    return hit ? (int)(hit - known_tags) : -1;
}

static int
closes_same_name(const char *name)
{
    for (size_t k = 0; k < sizeof same_name_closes / sizeof same_name_closes[0]; k++)
        if (strcmp(name, same_name_closes[k]) == 0)
            return 1;
    return 0;
}

/*
 * Does a start tag of known tag a close an open element of known tag b?
 * libxml2's htmlAutoCloseTag() decides; it answers 0 for equal names, which
 * same_name_closes[] covers.
 */
static int
tag_closes(struct reader *r, int a, int b)
{
    if (r->closes[a][b] < 0) {
        if (a == b) {
            r->closes[a][b] = (signed char)closes_same_name(known_tags[a]);
        } else {
            xmlNode probe;
            memset(&probe, 0, sizeof probe);
            probe.type = XML_ELEMENT_NODE;
            probe.name = (const xmlChar *)known_tags[a];
            r->closes[a][b] =
                (signed char)(htmlAutoCloseTag(NULL, (const xmlChar *)known_tags[b], &probe) != 0);
        }
    }
    return r->closes[a][b];
}

static int
tag_empty(struct reader *r, int a)
{
    if (r->empty[a] < 0) {
        const htmlElemDesc *d = htmlTagLookup((const xmlChar *)known_tags[a]);
        r->empty[a] = (signed char)(d && d->empty);
    }
    return r->empty[a];
}

/* libxml2's htmlEndPriority: an end tag only closes elements of lower or equal priority. */
static int
end_priority(const char *name)
{
    static const struct {
        const char *name;
        int priority;
    } table[] = {{"div", 150},   {"td", 160},    {"th", 160},    {"tr", 170},
                 {"thead", 180}, {"tbody", 180}, {"tfoot", 180}, {"table", 190},
                 {"head", 200},  {"body", 200},  {"html", 220}};
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (strcmp(name, table[k].name) == 0)
            return table[k].priority;
    return 100;
}

/* ---- nodes ---- */

static struct html_node *
new_node(struct reader *r, int type)
{
    struct html_node *n = px_arena_calloc(&r->t->arena, 1, sizeof *n);
    n->type = type;
    return n;
}

static void
append(struct html_node *parent, struct html_node *n)
{
    n->parent = parent;
    if (parent->last)
        parent->last->next = n;
    else
        parent->children = n;
    parent->last = n;
}

/* ---- names, references, attributes ---- */

/* A tag name of letters and digits, lower-cased into r->name; 0 when not that plain. */
static int
read_name(struct reader *r)
{
    size_t n = 0;
    if (r->p >= r->end || !is_alpha((unsigned char)*r->p))
        return 0;
    while (r->p < r->end && is_alnum((unsigned char)*r->p)) {
        if (n + 1 >= sizeof r->name)
            return 0;
        char c = *r->p++;
        r->name[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    r->name[n] = '\0';
    /* libxml2 names also take ':', '-', '_' and '.': leave those to it */
    return r->p < r->end && !is_name_punct((unsigned char)*r->p);
}

/*
 * The reference at *pp ("&amp;", "&#7843;") as UTF-8 into out (4 bytes room);
 * its length, or 0 when it is not a plain, known reference.
 */
static size_t
read_ref(const char **pp, const char *end, char *out)
{
    const char *p = *pp;
    if (p + 1 < end && p[1] == '#') {
        uint32_t cp;
        size_t n = px_charref_read(p, end, PX_CHARREF_HTML, &cp);
        if (n == 0)
            return 0;
        *pp = p + n;
        return px_utf8_encode(cp, out);
    }
    char name[16];
    size_t n = 0;
    for (p++; p < end && is_alnum((unsigned char)*p) && n + 1 < sizeof name; p++)
        name[n++] = *p;
    name[n] = '\0';
    if (n == 0 || p >= end || *p != ';')
        return 0;
    const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
    if (!e || e->value == 0)
        return 0;
    *pp = p + 1;
    return px_utf8_encode((uint32_t)e->value, out);
}

/* Copy s[0..len) with its references decoded into the arena; NULL when one is not plain. */
static char *
decode(struct reader *r, const char *s, size_t len, size_t *out_len)
{
    char *out = px_arena_alloc(&r->t->arena, len + 1);
    size_t o = 0;
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t plain = amp ? (size_t)(amp - p) : (size_t)(end - p);
        memcpy(out + o, p, plain);
        o += plain;
        p += plain;
        if (!amp)
            break;
        char u[4];
        size_t k = read_ref(&p, end, u);
        if (k == 0)
            return NULL;
        memcpy(out + o, u, k); /* a reference is never shorter than its UTF-8 */
        o += k;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* libxml2 gives a valueless attribute its own name when HTML calls it boolean, else "". */
static const char *
bare_value(struct reader *r, const char *name)
{
    return htmlIsBooleanAttr((const xmlChar *)name) ? px_arena_strdup(&r->t->arena, name) : "";
}

/* One attribute name="value" or name='value' (or a bare name); 0 when not plain. */
static int
read_attr(struct reader *r, struct html_attr **tail)
{
    const char *start = r->p;
    if (r->p >= r->end || !is_alpha((unsigned char)*r->p))
        return 0;
    while (r->p < r->end && (is_alnum((unsigned char)*r->p) || is_name_punct((unsigned char)*r->p)))
        r->p++;
    if (r->p - start >= MAX_NAME)
        return 0; /* libxml2 cuts names there */
    char *name = px_arena_strndup(&r->t->arena, start, (size_t)(r->p - start));
    for (char *c = name; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    struct html_attr *a = px_arena_calloc(&r->t->arena, 1, sizeof *a);
    a->name = name;
    skip_blanks(r);
    if (r->p < r->end && *r->p == '=') {
        r->p++;
        skip_blanks(r);
        if (r->p >= r->end || (*r->p != '"' && *r->p != '\''))
            return 0; /* unquoted values: libxml2's rules, not worth copying */
        char quote = *r->p++;
        const char *v = r->p, *close = memchr(v, quote, (size_t)(r->end - v));
        if (!close)
            return 0;
        size_t len;
        a->value = decode(r, v, (size_t)(close - v), &len);
        if (!a->value)
            return 0;
        r->p = close + 1;
        skip_blanks(r);
    } else {
        a->value = bare_value(r, name);
    }
    *tail = a;
    return 1;
}

/*
 * The attributes of a start tag up to '>' or "/>"; r->p is left on '>' or
 * '/'. A later duplicate is dropped, as libxml2 does. 0 when not plain.
 */
static int
read_attrs(struct reader *r, struct html_attr **list)
{
    struct html_attr **tail = list;
    *list = NULL;
    skip_blanks(r);
    while (r->p < r->end && *r->p != '>' &&
           !(*r->p == '/' && r->p + 1 < r->end && r->p[1] == '>')) {
        struct html_attr *a = NULL;
        if (!read_attr(r, &a))
            return 0;
        int dup = 0;
        for (struct html_attr *b = *list; b && !dup; b = b->next)
            dup = strcmp(b->name, a->name) == 0;
        if (!dup) {
            *tail = a;
            tail = &a->next;
        }
    }
    return r->p < r->end;
}

/* After read_attrs(): consume "/>" (returns 1: the element is closed) or ">". */
static int
end_of_start_tag(struct reader *r)
{
    if (*r->p == '/') {
        r->p += 2;
        return 1;
    }
    r->p++;
    return 0;
}

/* ---- the page ---- */

static void
push(struct reader *r, struct html_node *n)
{
    r->stack[r->depth++] = n;
}

/* Text right after text (an ignored end tag between): libxml2 adds it to the node before. */
static int
extend_text(struct reader *r, struct html_node *prev, const char *start, const char *stop,
            int has_ref)
{
    size_t len = (size_t)(stop - start);
    const char *more = start;
    if (has_ref && !(more = decode(r, start, len, &len)))
        return 0;
    char *joined = px_arena_alloc(&r->t->arena, prev->len + len + 1);
    memcpy(joined, prev->content, prev->len);
    memcpy(joined + prev->len, more, len);
    prev->len += len;
    joined[prev->len] = '\0';
    prev->content = joined;
    return 1;
}

/* The line libxml2 sees at its first callback for text at start: at a reference, a '<', or 1,000
 * bytes in. */
static long
text_line(struct reader *r, const char *start, const char *amp, const char *stop)
{
    const char *first = amp ? amp : stop;
    if (first - start >= TEXT_CHUNK) {
        first = start + TEXT_CHUNK - 1;
        while (((unsigned char)*first & 0xC0) == 0x80)
            first--;
    }
    return line_at(r, first);
}

/* Text from r->p up to the next '<' as a text node of the open element. */
static int
read_text(struct reader *r)
{
    const char *start = r->p;
    const char *lt = memchr(start, '<', (size_t)(r->end - start));
    const char *stop = lt ? lt : r->end;
    const char *amp = memchr(start, '&', (size_t)(stop - start));
    struct html_node *parent = r->stack[r->depth - 1];
    r->p = stop;
    if (parent->last && parent->last->type == XML_TEXT_NODE)
        return extend_text(r, parent->last, start, stop, amp != NULL);
    struct html_node *n = new_node(r, XML_TEXT_NODE);
    n->line = text_line(r, start, amp, stop);
    if (amp) {
        n->content = decode(r, start, (size_t)(stop - start), &n->len);
        if (!n->content)
            return 0;
    } else {
        n->content = start;
        n->len = (size_t)(stop - start);
    }
    append(parent, n);
    return 1;
}

static int
start_tag(struct reader *r)
{
    r->p++; /* '<' */
    if (!read_name(r))
        return 0;
    int id = tag_id(r->name);
    if (id < 0)
        return 0;
    while (r->depth > 1) {
        int top = tag_id(r->stack[r->depth - 1]->name);
        if (top < 0 || !tag_closes(r, id, top))
            break;
        r->depth--;
    }
    struct html_node *n = new_node(r, XML_ELEMENT_NODE);
    n->name = known_tags[id];
    if (!read_attrs(r, &n->properties))
        return 0;
    n->line = line_at(r, r->p);
    append(r->stack[r->depth - 1], n);
    if (!end_of_start_tag(r) && !tag_empty(r, id)) {
        if (r->depth >= MAX_DEPTH)
            return 0;
        push(r, n);
    }
    return 1;
}

/* "</name>" (blanks allowed before '>'); 0 when not that. */
static int
read_end_tag(struct reader *r)
{
    r->p += 2;
    if (!read_name(r))
        return 0;
    skip_blanks(r);
    if (r->p >= r->end || *r->p != '>')
        return 0;
    r->p++;
    return 1;
}

/*
 * An end tag closes its element and what it encloses, as libxml2 does; one
 * that matches no open element, or would close one of higher priority
 * ("</div>" inside a cell of a table in that div), is ignored as there.
 */
static int
end_tag(struct reader *r)
{
    if (!read_end_tag(r) || strcmp(r->name, "html") == 0 || strcmp(r->name, "head") == 0)
        return 0; /* libxml2 would end the page or keep a count of stray ones */
    int priority = end_priority(r->name);
    size_t i = r->depth;
    while (i > 1 && strcmp(r->stack[i - 1]->name, r->name) != 0) {
        if (end_priority(r->stack[i - 1]->name) > priority)
            return 1;
        i--;
    }
    if (i > 1)
        r->depth = i - 1;
    return 1;
}

/* "</body>": closes everything open in the body. */
static int
end_body(struct reader *r)
{
    if (!read_end_tag(r) || strcmp(r->name, "body") != 0)
        return 0;
    r->depth = 1;
    return 1;
}

static int
at(const struct reader *r, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(r->end - r->p) >= n && strncasecmp(r->p, s, n) == 0;
}

/* "<name attrs>" of an element outside the body; the element, or NULL. */
static struct html_node *
outer_start(struct reader *r, const char *name)
{
    skip_blanks(r);
    if (r->p >= r->end || *r->p != '<')
        return NULL;
    r->p++;
    if (!read_name(r) || strcmp(r->name, name) != 0)
        return NULL;
    struct html_node *n = new_node(r, XML_ELEMENT_NODE);
    n->name = px_arena_strdup(&r->t->arena, name);
    if (!read_attrs(r, &n->properties) || *r->p != '>')
        return NULL;
    n->line = line_at(r, r->p);
    r->p++;
    return n;
}

static int
outer_end(struct reader *r, const char *name)
{
    skip_blanks(r);
    return at(r, "</") && read_end_tag(r) && strcmp(r->name, name) == 0;
}

/* Raw text of <style>/<script> up to its end tag (libxml2 stops at the first "</" + letter). */
static int
skip_raw(struct reader *r, const char *name)
{
    for (const char *q = r->p; (q = memchr(q, '<', (size_t)(r->end - q))) != NULL; q++) {
        if (q + 2 < r->end && q[1] == '/' && is_alpha((unsigned char)q[2])) {
            r->p = q;
            return read_end_tag(r) && strcmp(r->name, name) == 0;
        }
    }
    return 0;
}

/* <head>: title, meta, link, base, style and script only (nothing there reaches the blocks). */
static int
read_head(struct reader *r)
{
    if (!outer_start(r, "head"))
        return 0;
    for (;;) {
        skip_blanks(r);
        if (at(r, "</"))
            return outer_end(r, "head");
        if (r->p >= r->end || *r->p != '<')
            return 0;
        r->p++;
        if (!read_name(r))
            return 0;
        char name[sizeof r->name];
        memcpy(name, r->name, sizeof name);
        struct html_attr *attrs;
        if (!read_attrs(r, &attrs))
            return 0;
        int closed = end_of_start_tag(r);
        if (strcmp(name, "meta") == 0 || strcmp(name, "link") == 0 || strcmp(name, "base") == 0)
            continue;
        if (closed)
            return 0;
        if (strcmp(name, "style") == 0 || strcmp(name, "script") == 0) {
            if (!skip_raw(r, name))
                return 0;
        } else if (strcmp(name, "title") == 0) {
            const char *lt = memchr(r->p, '<', (size_t)(r->end - r->p));
            if (!lt)
                return 0;
            r->p = lt;
            if (!outer_end(r, "title"))
                return 0;
        } else {
            return 0;
        }
    }
}

static int
read_body(struct reader *r)
{
    while (r->p < r->end) {
        int ok;
        if (*r->p != '<')
            ok = read_text(r);
        else if (r->p + 1 < r->end && r->p[1] == '/') {
            if (at(r, "</body"))
                return 1;
            ok = end_tag(r);
        } else if (r->p + 1 < r->end && is_alpha((unsigned char)r->p[1]))
            ok = start_tag(r);
        else
            ok = 0; /* comments, "<!", "<?", a lone '<' */
        if (!ok)
            return 0;
    }
    return 0;
}

/* A UTF-8 lead byte whose sequence may hold what libxml2 drops: surrogates, overlongs, > U+10FFFF,
 * U+FFFE/F. */
static int
odd_utf8(const unsigned char *s, size_t i, size_t len)
{
    unsigned char c = s[i], d = i + 1 < len ? s[i + 1] : 0;
    return c == 0xC0 || c == 0xC1 || c >= 0xF4 || (c == 0xE0 && d < 0xA0) ||
           (c == 0xED && d >= 0xA0) || (c == 0xF0 && d < 0x90) ||
           (c == 0xEF && d == 0xBF && i + 2 < len && s[i + 2] >= 0xBE);
}

/* No byte libxml2 would drop or treat its own way (controls, '\r'), and few enough lines. */
static int
plain_bytes(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    long lines = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c < 0x20) {
            if (c != '\n' && c != '\t')
                return 0;
            lines += c == '\n';
        } else if (c >= 0xC0 && odd_utf8(s, i, len)) {
            return 0;
        }
    }
    return lines <= MAX_FAST_LINES;
}

/* The whole page in the plain subset: 1 and t->body set, else 0. */
static int
read_page(struct reader *r)
{
    skip_blanks(r);
    if (at(r, "<!doctype")) {
        const char *gt = memchr(r->p, '>', (size_t)(r->end - r->p));
        if (!gt || memchr(r->p + 1, '<', (size_t)(gt - r->p - 1)) ||
            memchr(r->p, '[', (size_t)(gt - r->p)))
            return 0;
        r->p = gt + 1;
    }
    struct html_node *html = outer_start(r, "html");
    if (!html || !read_head(r))
        return 0;
    struct html_node *body = outer_start(r, "body");
    if (!body)
        return 0;
    append(html, body);
    r->stack = px_arena_alloc(&r->t->arena, MAX_DEPTH * sizeof *r->stack);
    r->stack[0] = html;
    r->stack[1] = body;
    r->depth = 2;
    if (!read_body(r) || !end_body(r) || !outer_end(r, "html"))
        return 0;
    skip_blanks(r);
    if (r->p != r->end)
        return 0;
    r->t->body = body;
    return 1;
}

/* ---- through libxml2 ---- */

/* Its value as the walk read it from libxml2: the one text child, else xmlGetProp(). */
static const char *
copy_attr_value(struct html_tree *t, const xmlNode *n, const xmlAttr *a)
{
    const xmlNode *c = a->children;
    if (c && !c->next && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
        c->content)
        return px_arena_strdup(&t->arena, (const char *)c->content);
    xmlChar *v = xmlGetProp(n, a->name);
    const char *copy = px_arena_strdup(&t->arena, v ? (const char *)v : "");
    xmlFree(v);
    return copy;
}

static struct html_attr *
copy_attrs(struct html_tree *t, const xmlNode *n)
{
    struct html_attr *list = NULL, **tail = &list;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (a->type != XML_ATTRIBUTE_NODE || a->ns)
            continue;
        struct html_attr *c = px_arena_calloc(&t->arena, 1, sizeof *c);
        c->name = px_arena_strdup(&t->arena, (const char *)a->name);
        c->value = copy_attr_value(t, n, a);
        *tail = c;
        tail = &c->next;
    }
    return list;
}

/* The node's copy, or NULL for nodes the walk never reads (comments, PIs, ...). */
static struct html_node *
copy_node(struct html_tree *t, const xmlNode *x)
{
    int text = x->type == XML_TEXT_NODE || x->type == XML_CDATA_SECTION_NODE;
    if (!text && x->type != XML_ELEMENT_NODE)
        return NULL;
    struct html_node *n = px_arena_calloc(&t->arena, 1, sizeof *n);
    n->type = text ? XML_TEXT_NODE : XML_ELEMENT_NODE;
    long line = xmlGetLineNo(x);
    n->line = line > 0 ? line : 0;
    if (text) {
        n->content = x->content ? (const char *)x->content : "";
        n->len = strlen(n->content);
        n->content = px_arena_strndup(&t->arena, n->content, n->len);
    } else {
        n->name = px_arena_strdup(&t->arena, (const char *)x->name);
        n->properties = copy_attrs(t, x);
    }
    return n;
}

/* Copy the subtree of x (iteratively: a deep page costs no stack). */
static struct html_node *
copy_tree(struct html_tree *t, const xmlNode *x)
{
    struct html_node *root = copy_node(t, x), *parent = root;
    const xmlNode *at = root && x->type == XML_ELEMENT_NODE ? x->children : NULL;
    while (at) {
        struct html_node *n = copy_node(t, at);
        if (n)
            append(parent, n);
        if (n && at->type == XML_ELEMENT_NODE && at->children) {
            parent = n;
            at = at->children;
            continue;
        }
        while (!at->next) {
            at = at->parent;
            if (at == x)
                return root;
            parent = parent->parent;
        }
        at = at->next;
    }
    return root;
}

static const xmlNode *
find_body(xmlDoc *x)
{
    xmlNode *root = xmlDocGetRootElement(x);
    for (xmlNode *n = root ? root->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, (const xmlChar *)"body") == 0)
            return n;
    return root;
}

static int
build_with_libxml2(struct html_tree *t, const char *path, const char *s, size_t len)
{
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt)
        return -1;
    int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
               HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT | XML_PARSE_HUGE;
    xmlDoc *x = htmlCtxtReadMemory(ctxt, s, (int)len, path, "UTF-8", opts);
    const xmlNode *body = x ? find_body(x) : NULL;
    t->body = body ? copy_tree(t, body) : NULL;
    xmlFreeDoc(x);
    htmlFreeParserCtxt(ctxt);
    return t->body ? 0 : -1;
}

int
html_tree_build(struct html_tree *t, const char *path, const char *s, size_t len)
{
    px_arena_init(&t->arena);
    t->body = NULL;
    if (plain_bytes(s, len)) {
        struct reader r;
        memset(&r, 0, sizeof r);
        memset(r.closes, -1, sizeof r.closes);
        memset(r.empty, -1, sizeof r.empty);
        r.t = t;
        r.p = r.line_pos = s;
        r.end = s + len;
        r.line = 1;
        if (read_page(&r))
            return 0;
        px_arena_release(&t->arena); /* start again from nothing */
        t->body = NULL;
    }
    return build_with_libxml2(t, path, s, len);
}

void
html_tree_release(struct html_tree *t)
{
    px_arena_release(&t->arena);
}

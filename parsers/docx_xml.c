/*
 * docx_xml — the XML events every DOCX part is read through (see
 * docx_internal.h for the interface).
 *
 * Word writes its parts in one narrow dialect: UTF-8, an XML declaration,
 * ASCII names, namespaces declared on the root, the five predefined
 * entities and character references, no DTD, comments or CDATA. The fast
 * scanner reads exactly that dialect and checks everything XML requires of
 * it (well-formed UTF-8 and XML characters, names, quoting, unique
 * attributes, bound prefixes, matching end tags). It records the events on
 * a tape that is replayed to the sink only once the whole part is accepted,
 * so a part it gives up on has sent no event yet.
 *
 * Everything else (another encoding, CDATA, a comment, a DTD, any error,
 * deep nesting, a huge value, a tape past its memory limit) goes to
 * libxml2's SAX2 push parser, fed in the chunks its xmlTextReader was fed
 * before, so what is accepted, the events and the error messages are
 * libxml2's. Options there: no network, no entity substitution, no DTD
 * loading; a DTD is refused when it is met. The limits libxml2's tree
 * builder enforced (nesting, text node size) are enforced here with its
 * messages, since no tree is built any more.
 *
 * Lines: an element's line is the line where its start tag ends (the
 * reader reported the line its read-ahead had reached).
 */
#include "docx_internal.h"

#include "charref.h"
#include "../pipeline/buf.h"

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/banned.h"

/* libxml2's own limits without XML_PARSE_HUGE, as its tree builder applied them. */
#define LIBXML_MAX_DEPTH 256
#define LIBXML_MAX_TEXT_NODE 10000000
/* libxml2's xmlTextReader fed its parser 512-byte chunks; the fallback does too (same errors). */
#define READER_CHUNK 512
/* The fast scanner leaves anything bigger than Word writes to libxml2. */
#define FAST_MAX_DEPTH 200
#define FAST_MAX_ATTRS 64
#define FAST_MAX_NS 128
#define FAST_MAX_NAME 1000
#define FAST_MAX_RUN ((size_t)1 << 20)

static const char xml_ns[] = "http://www.w3.org/XML/1998/namespace";
static const char xmlns_ns[] = "http://www.w3.org/2000/xmlns/";

/* Names and prefixes are a few bytes: a loop beats a call to memcmp. */
static inline int
bytes_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static inline int
str_eq(struct px_str a, struct px_str b)
{
    return a.len == b.len && bytes_eq(a.p, b.p, a.len);
}

/* ---------------------------------------------------------------- names -- */

#define NAME_SLOTS 256
static const char *const name_text[PX_N_COUNT] = {"",
#define PX_DOCX_NAME_TEXT(id, text) text,
                                                  PX_DOCX_NAMES(PX_DOCX_NAME_TEXT)
#undef PX_DOCX_NAME_TEXT
};
static unsigned char name_slot[NAME_SLOTS]; /* open addressing; 0 = empty */
static size_t name_len[PX_N_COUNT];

static void
names_build(void)
{
    for (int id = 1; id < PX_N_COUNT; id++) {
        name_len[id] = strlen(name_text[id]);
        unsigned h = (unsigned)px_hash_bytes(name_text[id], strlen(name_text[id]));
        while (name_slot[h % NAME_SLOTS])
            h++;
        name_slot[h % NAME_SLOTS] = (unsigned char)id;
    }
}

static enum px_docx_name
name_lookup(const char *s, size_t n)
{
    for (unsigned h = (unsigned)px_hash_bytes(s, n);; h++) {
        unsigned id = name_slot[h % NAME_SLOTS];
        if (id == 0)
            return PX_N_OTHER;
        if (name_len[id] == n && bytes_eq(name_text[id], s, n))
            return (enum px_docx_name)id;
    }
}

/* ----------------------------------------------------------- attributes -- */

int
px_docx_val_eq(struct px_str val, const char *s)
{
    return val.p && strlen(s) == val.len && memcmp(val.p, s, val.len) == 0;
}

struct px_str
px_docx_attr(const struct px_docx_elem *e, const char *local)
{
    size_t n = strlen(local);
    for (size_t i = 0; i < e->nattrs; i++) { /* first in the element's namespace */
        const struct px_docx_attr *a = &e->attrs[i];
        if (a->local.len == n && bytes_eq(a->local.p, local, n) &&
            (a->uri.p ? e->uri.p && str_eq(a->uri, e->uri) : !e->uri.p))
            return a->value;
    }
    for (size_t i = 0; i < e->nattrs; i++) { /* then without a namespace */
        const struct px_docx_attr *a = &e->attrs[i];
        if (!a->uri.p && a->local.len == n && bytes_eq(a->local.p, local, n))
            return a->value;
    }
    return (struct px_str){NULL, 0};
}

long
px_docx_attr_long(const struct px_docx_elem *e, const char *local, long dflt)
{
    struct px_str v = px_docx_attr(e, local);
    if (!v.p)
        return dflt;
    char small[64];
    char *s = v.len < sizeof small ? small : px_xmalloc(v.len + 1);
    memcpy(s, v.p, v.len);
    s[v.len] = '\0';
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s)
        n = dflt;
    if (s != small)
        free(s);
    return n;
}

int
px_docx_val_is_off(struct px_str val)
{
    return px_docx_val_eq(val, "0") || px_docx_val_eq(val, "false") || px_docx_val_eq(val, "off") ||
           px_docx_val_eq(val, "none");
}

static int
contains(struct px_str hay, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; hay.p && i + n <= hay.len; i++)
        if (memcmp(hay.p + i, needle, n) == 0)
            return 1;
    return 0;
}

int
px_docx_text_ns(const struct px_docx_elem *e)
{
    return contains(e->uri, "wordprocessingml") || contains(e->uri, "/math");
}

/* ------------------------------------------------------------- errors -- */

static void
err_set(struct px_docx_xmlerr *err, long line, const char *m)
{
    if (err->seen)
        return;
    err->seen = 1;
    err->line = line;
    size_t n = strcspn(m, "\n");
    if (n >= sizeof err->msg)
        n = sizeof err->msg - 1;
    memcpy(err->msg, m, n);
    err->msg[n] = '\0';
}

/* ------------------------------------------------------- fast scanner -- */

struct ns_binding {
    struct px_str prefix; /* len 0: the default namespace */
    struct px_str uri;
};

struct open_elem {
    struct px_str qname;
    enum px_docx_name name;
    size_t nns; /* bindings in scope before this element */
};

/*
 * The events of a part the scanner accepted, kept until the whole part is
 * known to be well-formed. A start keeps the attributes of named elements
 * only (nothing asks for the others'); text and decoded values that are
 * not slices of the part are offsets into `decoded` until replayed.
 */
enum tape_kind { TAPE_START, TAPE_END, TAPE_TEXT };

struct tape_op {
    unsigned char kind;
    unsigned char decoded; /* TAPE_TEXT: text.p is an offset into decoded */
    unsigned short name;   /* enum px_docx_name */
    uint32_t line;
    size_t attr0, nattrs; /* TAPE_START: its attributes in the tape's */
    struct px_str uri;    /* TAPE_START */
    struct px_str text;   /* TAPE_TEXT */
};

struct tape {
    struct tape_op *ops;
    size_t nops, ops_cap;
    struct px_docx_attr *attrs;
    size_t *attr_off; /* per attribute: offset of its decoded value, SIZE_MAX: a slice */
    size_t nattrs, attrs_cap;
    size_t bytes, limit; /* memory held, and the most the part may take */
};

struct fast {
    const char *p, *end;
    uint32_t line;
    struct ns_binding ns[FAST_MAX_NS];
    size_t nns;
    struct open_elem open[FAST_MAX_DEPTH];
    size_t depth;
    struct ns_binding resolved[4]; /* the last prefixes resolved; emptied when f->ns changes */
    unsigned nresolved;
    struct px_docx_attr attrs[FAST_MAX_ATTRS];
    struct px_str qnames[FAST_MAX_ATTRS], prefixes[FAST_MAX_ATTRS];
    size_t value_off[FAST_MAX_ATTRS]; /* offset in decoded, SIZE_MAX: a slice of the part */
    size_t nattrs;
    struct px_buf decoded; /* text and attribute values with references decoded */
    struct tape tape;
};

/* Bytes a text run stops at: markup, references, CR, ']' (of "]]>"), controls, non-ASCII. */
static unsigned char text_stop[256];
/* Bytes an attribute value stops at: quotes, markup, references, white space to normalise... */
static unsigned char value_stop[256];
static unsigned char name_char[256]; /* 1: NCName start char, 2: NCName char */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void
tables_build(void)
{
    for (int c = 0; c < 256; c++) {
        text_stop[c] = c == '<' || c == '&' || c == '\r' || c == ']' || c == '\n' || c >= 0x80 ||
                       (c < 0x20 && c != '\t');
        value_stop[c] = c == '"' || c == '\'' || c == '<' || c == '&' || c < 0x20 || c >= 0x80;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
            name_char[c] = 1;
        else if ((c >= '0' && c <= '9') || c == '.' || c == '-')
            name_char[c] = 2;
    }
    names_build();
}

/* Length of the well-formed UTF-8 XML character at p, 0 if it is not one. */
static inline size_t
utf8_char(const unsigned char *p, const unsigned char *end)
{
    uint32_t c;
    size_t n;
    if (p[0] < 0x80)
        return px_is_xml_char(p[0]) ? 1 : 0;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2, c = p[0] & 0x1Fu;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        n = 3, c = p[0] & 0x0Fu;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4, c = p[0] & 0x07u;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3Fu);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return px_is_xml_char(c) ? n : 0;
}

/* A reference at f->p ('&'): appended to out decoded; -1 for anything but XML's own. */
static int
fast_reference(struct fast *f, struct px_buf *out)
{
    static const struct {
        const char *name;
        char c;
    } predefined[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&apos;", '\''}, {"&quot;", '"'}};
    size_t left = (size_t)(f->end - f->p);
    for (size_t i = 0; i < sizeof predefined / sizeof predefined[0]; i++) {
        size_t n = strlen(predefined[i].name);
        if (left >= n && memcmp(f->p, predefined[i].name, n) == 0) {
            px_buf_putc(out, predefined[i].c);
            f->p += n;
            return 0;
        }
    }
    uint32_t c;
    size_t n = left < 4 || f->p[1] != '#' ? 0 : px_charref_read(f->p, f->end, PX_CHARREF_XML, &c);
    if (n == 0)
        return -1;
    px_buf_put_utf8(out, c);
    f->p += n;
    return 0;
}

/* Grow *cap (elements of `size` bytes) to hold need; -1 when the tape would pass its limit. */
static int
tape_grow(struct tape *t, size_t need, size_t *cap, size_t size)
{
    size_t grown = *cap ? *cap : 1024;
    while (grown < need)
        grown *= 2;
    t->bytes += (grown - *cap) * size;
    *cap = grown;
    return t->bytes > t->limit ? -1 : 0;
}

/* Room for one more op and n attributes; -1 past the part's memory limit. */
static inline int
tape_room(struct tape *t, size_t nattrs)
{
    if (t->nops == t->ops_cap) {
        if (tape_grow(t, t->nops + 1, &t->ops_cap, sizeof *t->ops) < 0)
            return -1;
        t->ops = px_xrealloc(t->ops, t->ops_cap * sizeof *t->ops);
    }
    if (t->nattrs + nattrs > t->attrs_cap) {
        if (tape_grow(t, t->nattrs + nattrs, &t->attrs_cap,
                      sizeof *t->attrs + sizeof *t->attr_off) < 0)
            return -1;
        t->attrs = px_xrealloc(t->attrs, t->attrs_cap * sizeof *t->attrs);
        t->attr_off = px_xrealloc(t->attr_off, t->attrs_cap * sizeof *t->attr_off);
    }
    return 0;
}

static int
tape_start(struct fast *f, const struct px_docx_elem *e)
{
    struct tape *t = &f->tape;
    size_t n = e->name == PX_N_OTHER ? 0 : e->nattrs;
    if (tape_room(t, n) < 0)
        return -1;
    t->ops[t->nops++] = (struct tape_op){
        TAPE_START, 0, (unsigned short)e->name, e->line, t->nattrs, n, e->uri, {NULL, 0}};
    if (n == 0)
        return 0;
    memcpy(t->attrs + t->nattrs, e->attrs, n * sizeof *e->attrs);
    memcpy(t->attr_off + t->nattrs, f->value_off, n * sizeof *f->value_off);
    t->nattrs += n;
    return 0;
}

static int
tape_end(struct fast *f, enum px_docx_name name)
{
    struct tape *t = &f->tape;
    if (tape_room(t, 0) < 0)
        return -1;
    t->ops[t->nops++] =
        (struct tape_op){TAPE_END, 0, (unsigned short)name, 0, 0, 0, {NULL, 0}, {NULL, 0}};
    return 0;
}

/* Text inside the root (the scanner allows none outside); decoded: text.p is an offset. */
static int
tape_text(struct fast *f, struct px_str text, int decoded)
{
    struct tape *t = &f->tape;
    if (text.len == 0)
        return 0;
    if (tape_room(t, 0) < 0)
        return -1;
    t->ops[t->nops++] =
        (struct tape_op){TAPE_TEXT, (unsigned char)decoded, 0, 0, 0, 0, {NULL, 0}, text};
    return 0;
}

/* The events to the sink, skipping what it declines, as libxml2's path does. */
static void
tape_replay(struct tape *t, const struct px_buf *decoded, const struct px_docx_sink *sink)
{
    for (size_t i = 0; i < t->nattrs; i++)
        if (t->attr_off[i] != SIZE_MAX)
            t->attrs[i].value.p = decoded->ptr + t->attr_off[i];
    size_t skip = 0;
    for (size_t i = 0; i < t->nops; i++) {
        const struct tape_op *op = &t->ops[i];
        if (op->kind == TAPE_START) {
            if (skip > 0) {
                skip++;
                continue;
            }
            struct px_docx_elem e = {(enum px_docx_name)op->name, op->uri,
                                     op->nattrs ? t->attrs + op->attr0 : NULL, op->nattrs,
                                     op->line};
            skip = sink->start(sink->ctx, &e) != 0;
        } else if (op->kind == TAPE_END) {
            if (skip > 0)
                skip--;
            else
                sink->end(sink->ctx, (enum px_docx_name)op->name);
        } else if (skip == 0) {
            const char *s = op->decoded ? decoded->ptr + (uintptr_t)op->text.p : op->text.p;
            sink->text(sink->ctx, s, op->text.len);
        }
    }
}

/* Character data up to the next '<', sent as one piece. */
static int
fast_text(struct fast *f)
{
    const char *start = f->p, *run = f->p;
    size_t from = f->decoded.len;
    int decoded = 0;
    while (f->p < f->end && *f->p != '<') {
        unsigned char c = (unsigned char)*f->p;
        if (!text_stop[c]) {
            f->p++;
            continue;
        }
        if (c == '&') {
            px_buf_put(&f->decoded, run, (size_t)(f->p - run));
            decoded = 1;
            if (fast_reference(f, &f->decoded) < 0)
                return -1;
            run = f->p;
            continue;
        }
        size_t n = c == '\n' || c == ']'
                       ? 1
                       : utf8_char((const unsigned char *)f->p, (const unsigned char *)f->end);
        if (n == 0 || c == '\r' || (c == ']' && f->end - f->p >= 3 && memcmp(f->p, "]]>", 3) == 0))
            return -1;
        f->line += c == '\n';
        f->p += n;
    }
    if ((size_t)(f->p - start) > FAST_MAX_RUN)
        return -1;
    if (!decoded)
        return tape_text(f, (struct px_str){start, (size_t)(f->p - start)}, 0);
    px_buf_put(&f->decoded, run, (size_t)(f->p - run));
    return tape_text(f, (struct px_str){(const char *)(uintptr_t)from, f->decoded.len - from}, 1);
}

static void
skip_space(struct fast *f)
{
    while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' || *f->p == '\n' || *f->p == '\r')) {
        f->line += *f->p == '\n';
        f->p++;
    }
}

/* An NCName or a QName (one colon) of ASCII name characters; -1 otherwise. */
static int
fast_qname(struct fast *f, struct px_str *qname, struct px_str *prefix, struct px_str *local)
{
    const unsigned char *s = (const unsigned char *)f->p, *end = (const unsigned char *)f->end;
    const unsigned char *p = s, *colon = NULL;
    if (p >= end || name_char[*p] != 1)
        return -1;
    while (++p < end && name_char[*p])
        ;
    if (p < end && *p == ':') {
        colon = p++;
        if (p >= end || name_char[*p] != 1)
            return -1;
        while (++p < end && name_char[*p])
            ;
    }
    if (p >= end || p - s > FAST_MAX_NAME || *p == ':' || *p >= 0x80)
        return -1;
    f->p = (const char *)p;
    *qname = (struct px_str){(const char *)s, (size_t)(p - s)};
    *prefix = (struct px_str){(const char *)s, colon ? (size_t)(colon - s) : 0};
    *local = colon ? (struct px_str){(const char *)colon + 1, (size_t)(p - colon - 1)} : *qname;
    return 0;
}

/*
 * A quoted attribute value: a slice of the part, or (*decoded set to its offset) the value
 * decoded at the end of f->decoded, which may still move while later values are decoded.
 */
static int
fast_value(struct fast *f, struct px_str *value, size_t *decoded)
{
    if (f->p >= f->end || (*f->p != '"' && *f->p != '\''))
        return -1;
    char quote = *f->p++;
    const char *start = f->p, *run = f->p;
    *decoded = SIZE_MAX;
    for (;;) {
        while (f->p < f->end && !value_stop[(unsigned char)*f->p])
            f->p++;
        if (f->p >= f->end || *f->p == quote)
            break;
        unsigned char c = (unsigned char)*f->p;
        if (c == '<' || c == '\r')
            return -1;
        if (c == '&' || c == '\t' || c == '\n') {
            if (*decoded == SIZE_MAX)
                *decoded = f->decoded.len;
            px_buf_put(&f->decoded, run, (size_t)(f->p - run));
            if (c != '&') { /* attribute value normalisation */
                f->line += c == '\n';
                px_buf_putc(&f->decoded, ' ');
                f->p++;
            } else if (fast_reference(f, &f->decoded) < 0) {
                return -1;
            }
            run = f->p;
            continue;
        }
        size_t n = c == '"' || c == '\''
                       ? 1
                       : utf8_char((const unsigned char *)f->p, (const unsigned char *)f->end);
        if (n == 0)
            return -1;
        f->p += n;
    }
    if (f->p >= f->end || (size_t)(f->p - start) > FAST_MAX_RUN)
        return -1;
    if (*decoded != SIZE_MAX) {
        px_buf_put(&f->decoded, run, (size_t)(f->p - run));
        *value = (struct px_str){NULL, f->decoded.len - *decoded};
    } else {
        *value = (struct px_str){start, (size_t)(f->p - start)};
    }
    f->p++;
    return 0;
}

static int
is_prefix(struct px_str s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

/* A namespace declaration (xmlns="…" or xmlns:p="…") on the element being read. */
static int
fast_declare(struct fast *f, size_t first_ns, struct px_str prefix, struct px_str uri,
             size_t decoded)
{
    if (decoded != SIZE_MAX || uri.len == 0 || f->nns >= FAST_MAX_NS || is_prefix(prefix, "xml") ||
        is_prefix(prefix, "xmlns") || is_prefix(uri, xml_ns) || is_prefix(uri, xmlns_ns))
        return -1;
    for (size_t i = first_ns; i < f->nns; i++)
        if (str_eq(f->ns[i].prefix, prefix))
            return -1; /* declared twice on one element */
    f->ns[f->nns++] = (struct ns_binding){prefix, uri};
    f->nresolved = 0;
    return 0;
}

/* The URI a prefix is bound to (len 0 prefix: the default namespace); -1 when unbound. */
static int
fast_resolve(struct fast *f, struct px_str prefix, struct px_str *uri)
{
    for (unsigned i = 0; i < f->nresolved && i < 4; i++)
        if (str_eq(f->resolved[i].prefix, prefix)) {
            *uri = f->resolved[i].uri;
            return 0;
        }
    *uri = (struct px_str){NULL, 0};
    if (prefix.len == 3 && bytes_eq(prefix.p, "xml", 3))
        *uri = (struct px_str){xml_ns, sizeof xml_ns - 1};
    for (size_t i = f->nns; !uri->p && i-- > 0;)
        if (str_eq(f->ns[i].prefix, prefix))
            *uri = f->ns[i].uri;
    if (!uri->p && prefix.len > 0)
        return -1;
    f->resolved[f->nresolved++ % 4] = (struct ns_binding){prefix, *uri};
    return 0;
}

/* Attributes of the start tag at f->p; namespace declarations go to f->ns. */
static int
fast_attributes(struct fast *f, size_t first_ns)
{
    f->nattrs = 0;
    for (;;) {
        const char *before = f->p;
        skip_space(f);
        if (f->p >= f->end)
            return -1;
        if (*f->p == '>' || *f->p == '/')
            return 0;
        struct px_str qname, prefix, local, value;
        size_t decoded;
        if (f->p == before || fast_qname(f, &qname, &prefix, &local) < 0)
            return -1;
        skip_space(f);
        if (f->p >= f->end || *f->p++ != '=')
            return -1;
        skip_space(f);
        if (fast_value(f, &value, &decoded) < 0)
            return -1;
        if (is_prefix(qname, "xmlns") || is_prefix(prefix, "xmlns")) {
            struct px_str bound = prefix.len ? local : (struct px_str){qname.p, 0};
            if (fast_declare(f, first_ns, bound, value, decoded) < 0)
                return -1;
            continue;
        }
        /* xml:id: libxml2's tree builder registered IDs (and reported duplicates) */
        if (f->nattrs >= FAST_MAX_ATTRS || (is_prefix(prefix, "xml") && is_prefix(local, "id")))
            return -1;
        for (size_t i = 0; i < f->nattrs; i++)
            if (str_eq(f->qnames[i], qname))
                return -1;
        size_t i = f->nattrs++;
        f->qnames[i] = qname;
        f->prefixes[i] = prefix;
        f->value_off[i] = decoded;
        f->attrs[i].local = local;
        f->attrs[i].value = value;
    }
}

/* Prefixes to URIs once every declaration of the tag is known; no two (local, URI) alike. */
static int
fast_resolve_attributes(struct fast *f)
{
    for (size_t i = 0; i < f->nattrs; i++) {
        struct px_docx_attr *a = &f->attrs[i];
        if (f->prefixes[i].len == 0)
            a->uri = (struct px_str){NULL, 0};
        else if (fast_resolve(f, f->prefixes[i], &a->uri) < 0)
            return -1;
        for (size_t k = 0; k < i && a->uri.p; k++)
            if (f->attrs[k].uri.p && str_eq(f->attrs[k].local, a->local) &&
                str_eq(f->attrs[k].uri, a->uri))
                return -1;
    }
    return 0;
}

static int
fast_start_tag(struct fast *f)
{
    struct px_str qname, prefix, local;
    f->p++; /* '<' */
    if (f->depth >= FAST_MAX_DEPTH || fast_qname(f, &qname, &prefix, &local) < 0)
        return -1;
    size_t first_ns = f->nns;
    if (fast_attributes(f, first_ns) < 0 || fast_resolve_attributes(f) < 0)
        return -1;
    struct px_docx_elem e = {PX_N_OTHER, {NULL, 0}, f->attrs, f->nattrs, f->line};
    if (is_prefix(prefix, "xmlns") || fast_resolve(f, prefix, &e.uri) < 0)
        return -1;
    int empty = *f->p == '/';
    if (empty && (f->end - f->p < 2 || f->p[1] != '>'))
        return -1;
    f->p += empty ? 2 : 1;
    e.name = name_lookup(local.p, local.len);
    if (tape_start(f, &e) < 0)
        return -1;
    if (empty) {
        if (f->nns != first_ns)
            f->nresolved = 0;
        f->nns = first_ns;
        return tape_end(f, e.name);
    }
    f->open[f->depth++] = (struct open_elem){qname, e.name, first_ns};
    return 0;
}

static int
fast_end_tag(struct fast *f)
{
    f->p += 2; /* "</" */
    if (f->depth == 0)
        return -1;
    /* The open element's name (checked at its start tag), then no more name characters. */
    const struct open_elem *o = &f->open[f->depth - 1];
    size_t n = o->qname.len;
    if ((size_t)(f->end - f->p) <= n || !bytes_eq(f->p, o->qname.p, n) ||
        name_char[(unsigned char)f->p[n]] || f->p[n] == ':')
        return -1;
    f->p += n;
    skip_space(f);
    if (f->p >= f->end || *f->p != '>')
        return -1;
    f->p++;
    f->depth--;
    if (f->nns != o->nns)
        f->nresolved = 0;
    f->nns = o->nns;
    return tape_end(f, o->name);
}

/* The first of `forms` that the part continues with, consumed; 0 when none. */
static int
fast_literal(struct fast *f, const char *const *forms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(forms[i]);
        if ((size_t)(f->end - f->p) >= k && memcmp(f->p, forms[i], k) == 0) {
            f->p += k;
            return 1;
        }
    }
    return 0;
}

/* <?xml version="1.0" encoding="UTF-8" standalone="yes"?> (encoding and standalone optional). */
static int
fast_declaration(struct fast *f)
{
    static const char *const start[] = {"<?xml "};
    static const char *const version[] = {"version=\"1.0\"", "version='1.0'"};
    static const char *const encoding[] = {" encoding=\"UTF-8\"", " encoding=\"utf-8\"",
                                           " encoding='UTF-8'", " encoding='utf-8'"};
    static const char *const standalone[] = {" standalone=\"yes\"", " standalone=\"no\"",
                                             " standalone='yes'", " standalone='no'"};
    static const char *const end[] = {"?>"};
    if (!fast_literal(f, start, 1))
        return 0;
    if (!fast_literal(f, version, 2))
        return -1;
    fast_literal(f, encoding, 4);
    fast_literal(f, standalone, 4);
    skip_space(f);
    return fast_literal(f, end, 1) ? 0 : -1;
}

static int
fast_document(struct fast *f)
{
    if (f->end - f->p >= 3 && memcmp(f->p, "\xEF\xBB\xBF", 3) == 0)
        f->p += 3;
    if (fast_declaration(f) < 0)
        return -1;
    int seen_root = 0;
    while (f->p < f->end) {
        if (f->depth == 0) { /* outside the root: white space only */
            skip_space(f);
            if (f->p >= f->end)
                break;
            if (*f->p != '<')
                return -1;
        } else if (*f->p != '<') {
            if (fast_text(f) < 0)
                return -1;
            continue;
        }
        if (f->end - f->p < 2 || f->p[1] == '!' || f->p[1] == '?')
            return -1; /* comments, CDATA, DTD, processing instructions: libxml2's */
        if (f->p[1] == '/') {
            if (fast_end_tag(f) < 0)
                return -1;
            continue;
        }
        if (f->depth == 0 && seen_root)
            return -1;
        seen_root = 1;
        if (fast_start_tag(f) < 0)
            return -1;
    }
    return seen_root && f->depth == 0 ? 0 : -1;
}

/* The tape may take this much memory (real parts need a few times their size). */
static size_t
tape_limit(size_t len)
{
    const size_t most = (size_t)64 << 20;
    return len < most / 16 ? len * 16 + ((size_t)1 << 20) : most;
}

/* 1 when the fast scanner read the part (events sent), 0 when it is libxml2's to read. */
static int
fast_parse(const char *xml, size_t len, const struct px_docx_sink *sink)
{
    struct fast *f = px_xcalloc(1, sizeof *f);
    f->p = xml;
    f->end = xml + len;
    f->line = 1;
    f->decoded = (struct px_buf)PX_BUF_INIT;
    f->tape.limit = tape_limit(len);
    int ok = fast_document(f) == 0;
    if (ok)
        tape_replay(&f->tape, &f->decoded, sink);
    px_buf_release(&f->decoded);
    free(f->tape.ops);
    free(f->tape.attrs);
    free(f->tape.attr_off);
    free(f);
    return ok;
}

/* ------------------------------------------------------ libxml2 SAX2 -- */

struct slow {
    const struct px_docx_sink *sink;
    struct px_docx_xmlerr *err;
    xmlParserCtxtPtr ctxt;
    enum px_docx_xml_rc rc;
    size_t depth, skip;
    size_t text_node; /* bytes of the current text node (the tree builder's limit) */
    struct px_buf values;
    struct px_docx_attr *attrs;
    size_t *offsets; /* of decoded values in values, SIZE_MAX: libxml2's bytes */
    size_t attrs_cap;
};

static void
#if LIBXML_VERSION >= 21200
slow_error(void *ctx, const xmlError *e)
#else
slow_error(void *ctx, xmlErrorPtr e)
#endif
{
    struct slow *s = ctx;
    if (e == NULL || e->level < XML_ERR_ERROR)
        return;
    err_set(s->err, e->line, e->message ? e->message : "unknown error");
}

static void
slow_stop(struct slow *s, enum px_docx_xml_rc rc, const char *libxml_msg)
{
    if (s->rc != PX_DOCX_XML_OK)
        return;
    s->rc = rc;
    if (libxml_msg)
        err_set(s->err, xmlSAX2GetLineNumber(s->ctxt), libxml_msg);
    xmlStopParser(s->ctxt);
}

static struct px_str
cstr(const xmlChar *s)
{
    return s ? (struct px_str){(const char *)s, strlen((const char *)s)} : (struct px_str){NULL, 0};
}

/* libxml2 hands a '&' of an attribute value over as "&#38;" (it substitutes no entity). */
static struct px_str
slow_value(struct slow *s, const xmlChar *v, const xmlChar *end, size_t *offset)
{
    const char *p = (const char *)v, *e = (const char *)end;
    if (!memchr(p, '&', (size_t)(e - p)))
        return (struct px_str){p, (size_t)(e - p)};
    *offset = s->values.len;
    while (p < e) {
        if (e - p >= 5 && memcmp(p, "&#38;", 5) == 0) {
            px_buf_putc(&s->values, '&');
            p += 5;
        } else {
            px_buf_putc(&s->values, *p++);
        }
    }
    return (struct px_str){NULL, s->values.len - *offset};
}

static size_t
slow_attributes(struct slow *s, int n, const xmlChar **a)
{
    size_t kept = 0;
    if ((size_t)n > s->attrs_cap) {
        s->attrs_cap = (size_t)n;
        s->attrs = px_xrealloc(s->attrs, s->attrs_cap * sizeof *s->attrs);
        s->offsets = px_xrealloc(s->offsets, s->attrs_cap * sizeof *s->offsets);
    }
    size_t *offsets = s->offsets;
    px_buf_clear(&s->values);
    for (int i = 0; i < n; i++, a += 5) {
        if (a[1] && !a[2])
            continue; /* an unbound prefix: the tree named it "p:local", which nothing asks for */
        struct px_docx_attr *at = &s->attrs[kept];
        offsets[kept] = SIZE_MAX;
        at->local = cstr(a[0]);
        at->uri = cstr(a[2]);
        at->value = slow_value(s, a[3], a[4], &offsets[kept]);
        kept++;
    }
    for (size_t i = 0; i < kept; i++)
        if (offsets[i] != SIZE_MAX)
            s->attrs[i].value.p = s->values.ptr + offsets[i];
    return kept;
}

static void
slow_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
           const xmlChar **ns, int nattrs, int ndefaulted, const xmlChar **attrs)
{
    (void)nns;
    (void)ns;
    (void)ndefaulted;
    struct slow *s = ctx;
    s->text_node = 0;
    if (s->depth > LIBXML_MAX_DEPTH) {
        slow_stop(s, PX_DOCX_XML_MALFORMED,
                  "Excessive depth in document: 256 use XML_PARSE_HUGE "
                  "option");
        return;
    }
    s->depth++;
    if (s->skip > 0) {
        s->skip++;
        return;
    }
    struct px_docx_elem e;
    e.name =
        prefix && !uri ? PX_N_OTHER : name_lookup((const char *)local, strlen((const char *)local));
    e.uri = cstr(uri);
    e.nattrs = e.name == PX_N_OTHER ? 0 : slow_attributes(s, nattrs, attrs);
    e.attrs = s->attrs;
    e.line = (uint32_t)xmlSAX2GetLineNumber(s->ctxt);
    if (s->sink->start(s->sink->ctx, &e))
        s->skip = 1;
}

static void
slow_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    struct slow *s = ctx;
    s->text_node = 0;
    if (s->rc != PX_DOCX_XML_OK || s->depth == 0)
        return;
    s->depth--;
    if (s->skip > 0) {
        s->skip--;
        return;
    }
    s->sink->end(s->sink->ctx, prefix && !uri
                                   ? PX_N_OTHER
                                   : name_lookup((const char *)local, strlen((const char *)local)));
}

/*
 * The depth rule of the old xmlTextReader walk: text, comments and processing instructions
 * count one level below their parent, and only outside skipped subtrees.
 */
static int
slow_node_too_deep(struct slow *s)
{
    if (s->rc != PX_DOCX_XML_OK)
        return 1;
    if (s->skip == 0 && s->depth > PX_DOCX_MAX_DEPTH) {
        slow_stop(s, PX_DOCX_XML_DEEP, NULL);
        return 1;
    }
    return 0;
}

static void
slow_text(void *ctx, const xmlChar *text, int n)
{
    struct slow *s = ctx;
    if (slow_node_too_deep(s))
        return;
    s->text_node += (size_t)n;
    if (s->text_node > LIBXML_MAX_TEXT_NODE) {
        slow_stop(s, PX_DOCX_XML_MALFORMED,
                  "Memory allocation failed : xmlSAX2Characters: huge text node");
        return;
    }
    if (s->skip == 0 && n > 0 && s->depth > 0)
        s->sink->text(s->sink->ctx, (const char *)text, (size_t)n);
}

static void
slow_comment(void *ctx, const xmlChar *text)
{
    (void)text;
    struct slow *s = ctx;
    s->text_node = 0;
    slow_node_too_deep(s);
}

static void
slow_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target;
    slow_comment(ctx, data);
}

static void
slow_dtd(void *ctx, const xmlChar *name, const xmlChar *external, const xmlChar *system)
{
    (void)name;
    (void)external;
    (void)system;
    slow_stop(ctx, PX_DOCX_XML_DTD, NULL);
}

static enum px_docx_xml_rc
slow_parse(const char *xml, size_t len, const char *url, const struct px_docx_sink *sink,
           struct px_docx_xmlerr *err)
{
    if (len > (size_t)INT32_MAX)
        return PX_DOCX_XML_MALFORMED;
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = slow_start;
    sax.endElementNs = slow_end;
    sax.characters = slow_text;
    sax.ignorableWhitespace = slow_text;
    sax.comment = slow_comment;
    sax.processingInstruction = slow_pi;
    sax.internalSubset = slow_dtd;
    sax.serror = slow_error;
    struct slow s = {sink, err, NULL, PX_DOCX_XML_OK, 0, 0, 0, PX_BUF_INIT, NULL, NULL, 0};
    /* As the reader did: the first 4 bytes (encoding detection), then 512-byte chunks. */
    size_t head = len < 4 ? 0 : 4;
    s.ctxt = xmlCreatePushParserCtxt(&sax, &s, xml, (int)head, url);
    if (!s.ctxt)
        return PX_DOCX_XML_MALFORMED;
    /* No XML_PARSE_NOENT / DTDLOAD / DTDATTR / HUGE: nothing outside the bytes is read. */
    xmlCtxtUseOptions(s.ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
    int bad = 0;
    for (size_t at = head; at < len && !bad && s.rc == PX_DOCX_XML_OK;) {
        size_t n = len - at < READER_CHUNK ? len - at : READER_CHUNK;
        bad = xmlParseChunk(s.ctxt, xml + at, (int)n, 0) != 0 || !s.ctxt->wellFormed;
        at += n;
    }
    if (!bad && s.rc == PX_DOCX_XML_OK)
        bad = xmlParseChunk(s.ctxt, xml + len, 0, 1) != 0 || !s.ctxt->wellFormed;
    if (s.rc == PX_DOCX_XML_OK && bad)
        s.rc = PX_DOCX_XML_MALFORMED;
    xmlFreeParserCtxt(s.ctxt);
    px_buf_release(&s.values);
    free(s.attrs);
    free(s.offsets);
    return s.rc;
}

enum px_docx_xml_rc
px_docx_xml_parse(const char *xml, size_t len, const char *url, const struct px_docx_sink *sink,
                  struct px_docx_xmlerr *err)
{
    memset(err, 0, sizeof *err);
    pthread_once(&tables_once, tables_build);
    if (fast_parse(xml, len, sink))
        return PX_DOCX_XML_OK;
    return slow_parse(xml, len, url, sink, err);
}

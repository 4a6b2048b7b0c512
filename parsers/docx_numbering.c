/*
 * docx_numbering — styles.xml and numbering.xml of a DOCX: heading styles,
 * bold styles, and Word's automatic list numbering ("1.", "a)", "II.")
 * rendered the way the reader sees it. Both parts are read through the
 * events of docx_xml.c. See docx_internal.h.
 */
#include "docx_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bounds for hostile parts: real documents have a few dozen of each. */
#define MAX_DEFS 4096
/* w:basedOn chains are short; a longer one is a loop. */
#define MAX_STYLE_CHAIN 16
/* A counter past this is not a list a person reads. */
#define MAX_COUNTER 100000

static char *
attr_dup(struct px_doc *doc, const struct px_docx_elem *e, const char *local)
{
    struct px_str v = px_docx_attr(e, local);
    return v.p ? px_arena_strndup(&doc->arena, v.p, v.len) : NULL;
}

/* Report a broken side part once, as a warning: the body can still be read. */
static void
warn_part(struct px_diag *dg, const char *where, const struct px_docx_xmlerr *err, const char *what)
{
    px_diag_report(dg, PX_WARNING, where, err->seen ? err->line : 0, 0, "%s ignored: %s", what,
                   err->seen ? err->msg : "unreadable XML");
}

/* ---- numbering.xml ---- */

static enum px_docx_numfmt
numfmt_from_name(struct px_str v)
{
    static const struct {
        const char *name;
        enum px_docx_numfmt fmt;
    } names[] = {
        {"decimal", PX_DOCX_FMT_DECIMAL},
        {"decimalZero", PX_DOCX_FMT_DECIMAL_ZERO},
        {"lowerLetter", PX_DOCX_FMT_LOWER_LETTER},
        {"upperLetter", PX_DOCX_FMT_UPPER_LETTER},
        {"lowerRoman", PX_DOCX_FMT_LOWER_ROMAN},
        {"upperRoman", PX_DOCX_FMT_UPPER_ROMAN},
        {"bullet", PX_DOCX_FMT_BULLET},
        {"none", PX_DOCX_FMT_NONE},
    };
    for (size_t i = 0; v.p && i < sizeof names / sizeof names[0]; i++)
        if (px_docx_val_eq(v, names[i].name))
            return names[i].fmt;
    return PX_DOCX_FMT_DECIMAL; /* ordinal, cardinalText, ...: digits are the closest */
}

void
px_docx_defs_init(struct px_docx_defs *defs)
{
    memset(defs, 0, sizeof *defs);
}

static struct px_docx_abstract *
add_abstract(struct px_docx_defs *defs, struct px_doc *doc, long id)
{
    if (defs->nabstracts >= MAX_DEFS)
        return NULL;
    size_t n = defs->nabstracts;
    if ((n & (n - 1)) == 0) /* grow at powers of two */
        defs->abstracts =
            px_arena_grow(&doc->arena, defs->abstracts, n, n ? n * 2 : 1, sizeof *defs->abstracts);
    struct px_docx_abstract *a = &defs->abstracts[defs->nabstracts++];
    memset(a, 0, sizeof *a);
    a->id = id;
    return a;
}

static struct px_docx_num *
add_num(struct px_docx_defs *defs, struct px_doc *doc, long id)
{
    if (defs->nnums >= MAX_DEFS)
        return NULL;
    size_t n = defs->nnums;
    if ((n & (n - 1)) == 0)
        defs->nums = px_arena_grow(&doc->arena, defs->nums, n, n ? n * 2 : 1, sizeof *defs->nums);
    struct px_docx_num *m = &defs->nums[defs->nnums++];
    memset(m, 0, sizeof *m);
    m->id = id;
    m->abstract_id = -1;
    return m;
}

struct numbering_state {
    struct px_docx_defs *defs;
    struct px_doc *doc;
    struct px_docx_abstract *abs;
    struct px_docx_num *num;
    int override_lvl; /* w:lvlOverride/@w:ilvl, -1 outside */
    struct px_docx_lvl *lvl;
};

static int
clamp_level(long ilvl)
{
    return ilvl < 0 ? 0 : ilvl >= PX_DOCX_LEVELS ? PX_DOCX_LEVELS - 1 : (int)ilvl;
}

static void
lvl_begin(struct numbering_state *st, const struct px_docx_elem *e)
{
    int i = clamp_level(px_docx_attr_long(e, "ilvl", 0));
    st->lvl = st->abs                            ? &st->abs->lvl[i]
              : st->num && st->override_lvl >= 0 ? &st->num->lvl[i]
                                                 : NULL;
    if (st->lvl) {
        st->lvl->defined = 1;
        st->lvl->fmt = PX_DOCX_FMT_DECIMAL;
        st->lvl->text = px_arena_strdup(&st->doc->arena, "");
        st->lvl->start = 1;
    }
}

/* A child of w:lvl. */
static void
level_setting(struct px_docx_lvl *lvl, struct px_doc *doc, const struct px_docx_elem *e)
{
    if (e->name == PX_N_START) {
        long v = px_docx_attr_long(e, "val", 1);
        lvl->start = v < 0 ? 0 : v > MAX_COUNTER ? MAX_COUNTER : (int)v;
    } else if (e->name == PX_N_NUM_FMT) {
        lvl->fmt = numfmt_from_name(px_docx_attr(e, "val"));
    } else if (e->name == PX_N_LVL_TEXT) {
        char *v = attr_dup(doc, e, "val");
        if (v)
            lvl->text = v;
    }
}

static int
numbering_start(void *ctx, const struct px_docx_elem *e)
{
    struct numbering_state *st = ctx;
    if (e->name == PX_N_ABSTRACT_NUM) {
        st->abs = add_abstract(st->defs, st->doc, px_docx_attr_long(e, "abstractNumId", -1));
        st->num = NULL;
    } else if (e->name == PX_N_NUM) {
        st->num = add_num(st->defs, st->doc, px_docx_attr_long(e, "numId", -1));
        st->abs = NULL;
    } else if (e->name == PX_N_ABSTRACT_NUM_ID && st->num) {
        st->num->abstract_id = px_docx_attr_long(e, "val", -1);
    } else if (e->name == PX_N_LVL_OVERRIDE && st->num) {
        st->override_lvl = clamp_level(px_docx_attr_long(e, "ilvl", 0));
    } else if (e->name == PX_N_START_OVERRIDE && st->num && st->override_lvl >= 0) {
        long v = px_docx_attr_long(e, "val", 1);
        st->num->restart[st->override_lvl] = v < 1 ? 1 : v > MAX_COUNTER ? MAX_COUNTER : (int)v;
    } else if (e->name == PX_N_LVL) {
        lvl_begin(st, e);
    } else if (st->lvl) {
        level_setting(st->lvl, st->doc, e);
    }
    return 0;
}

static void
numbering_end(void *ctx, enum px_docx_name name)
{
    struct numbering_state *st = ctx;
    if (name == PX_N_ABSTRACT_NUM)
        st->abs = NULL;
    else if (name == PX_N_NUM)
        st->num = NULL;
    else if (name == PX_N_LVL_OVERRIDE)
        st->override_lvl = -1;
    else if (name == PX_N_LVL)
        st->lvl = NULL;
}

static void
no_text(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    (void)s;
    (void)n;
}

void
px_docx_load_numbering(struct px_docx_defs *defs, struct px_doc *doc, const char *xml, size_t len,
                       const char *where, struct px_diag *dg)
{
    if (!xml || len == 0)
        return;
    struct px_docx_xmlerr err;
    struct numbering_state st = {defs, doc, NULL, NULL, -1, NULL};
    const struct px_docx_sink sink = {numbering_start, numbering_end, no_text, &st};
    if (px_docx_xml_parse(xml, len, "numbering.xml", &sink, &err) != PX_DOCX_XML_OK) {
        warn_part(dg, where, &err, "list numbering");
        defs->nabstracts = defs->nnums = 0;
    }
}

/* ---- styles.xml ---- */

static struct px_docx_style *
add_style(struct px_docx_defs *defs, struct px_doc *doc)
{
    if (defs->nstyles >= MAX_DEFS)
        return NULL;
    size_t n = defs->nstyles;
    if ((n & (n - 1)) == 0)
        defs->styles =
            px_arena_grow(&doc->arena, defs->styles, n, n ? n * 2 : 1, sizeof *defs->styles);
    struct px_docx_style *s = &defs->styles[defs->nstyles++];
    memset(s, 0, sizeof *s);
    s->heading = -1;
    s->outline = -1;
    s->num_id = -1;
    s->ilvl = -1;
    s->bold = -1;
    return s;
}

/* "heading 2" (the built-in name, any case) -> 2; "Title" -> title. */
static void
style_name(struct px_docx_style *s, struct px_str v)
{
    if (!v.p)
        return;
    if (v.len == 9 && strncasecmp(v.p, "heading ", 8) == 0 && v.p[8] >= '1' && v.p[8] <= '9')
        s->heading = v.p[8] - '0';
    else if (v.len == 5 && strncasecmp(v.p, "title", 5) == 0)
        s->title = 1;
    else
        s->heading = 0;
}

struct styles_state {
    struct px_docx_defs *defs;
    struct px_doc *doc;
    struct px_docx_style *cur;
    int in_rpr;
};

static void
style_begin(struct styles_state *st, const struct px_docx_elem *e)
{
    st->cur = add_style(st->defs, st->doc);
    if (!st->cur)
        return;
    st->cur->id = attr_dup(st->doc, e, "styleId");
    struct px_str type = px_docx_attr(e, "type"), dflt = px_docx_attr(e, "default");
    if (px_docx_val_eq(type, "paragraph") && dflt.p && !px_docx_val_is_off(dflt) && st->cur->id)
        st->defs->default_pstyle = st->cur->id;
}

static int
styles_start(void *ctx, const struct px_docx_elem *e)
{
    struct styles_state *st = ctx;
    /* Document defaults and table styles would make every paragraph bold. */
    if (e->name == PX_N_DOC_DEFAULTS || e->name == PX_N_LATENT_STYLES ||
        e->name == PX_N_TBL_STYLE_PR)
        return 1;
    if (e->name == PX_N_STYLE) {
        style_begin(st, e);
        return 0;
    }
    struct px_docx_style *s = st->cur;
    if (!s)
        return 0;
    if (e->name == PX_N_NAME) {
        style_name(s, px_docx_attr(e, "val"));
    } else if (e->name == PX_N_BASED_ON) {
        s->based_on = attr_dup(st->doc, e, "val");
    } else if (e->name == PX_N_OUTLINE_LVL) {
        long v = px_docx_attr_long(e, "val", 9);
        s->outline = v >= 0 && v < PX_DOCX_LEVELS ? (int)v : 9; /* 9: body text */
    } else if (e->name == PX_N_NUM_ID) {
        s->num_id = px_docx_attr_long(e, "val", 0);
    } else if (e->name == PX_N_ILVL) {
        s->ilvl = clamp_level(px_docx_attr_long(e, "val", 0));
    } else if (e->name == PX_N_RPR) {
        st->in_rpr = 1;
    } else if (st->in_rpr && e->name == PX_N_B) {
        s->bold = !px_docx_val_is_off(px_docx_attr(e, "val"));
    }
    return 0;
}

static void
styles_end(void *ctx, enum px_docx_name name)
{
    struct styles_state *st = ctx;
    if (name == PX_N_STYLE)
        st->cur = NULL;
    else if (name == PX_N_RPR)
        st->in_rpr = 0;
}

void
px_docx_load_styles(struct px_docx_defs *defs, struct px_doc *doc, const char *xml, size_t len,
                    const char *where, struct px_diag *dg)
{
    if (!xml || len == 0)
        return;
    struct px_docx_xmlerr err;
    struct styles_state st = {defs, doc, NULL, 0};
    const struct px_docx_sink sink = {styles_start, styles_end, no_text, &st};
    if (px_docx_xml_parse(xml, len, "styles.xml", &sink, &err) != PX_DOCX_XML_OK) {
        warn_part(dg, where, &err, "styles");
        defs->nstyles = 0;
        defs->default_pstyle = NULL;
    }
}

/* The style whose w:styleId is id (id.p NULL: none). */
static const struct px_docx_style *
find_style_id(const struct px_docx_defs *defs, struct px_str id)
{
    for (size_t i = 0; id.p && i < defs->nstyles; i++) {
        const char *sid = defs->styles[i].id;
        if (sid && strncmp(sid, id.p, id.len) == 0 && sid[id.len] == '\0')
            return &defs->styles[i];
    }
    return NULL;
}

static const struct px_docx_style *
find_style(const struct px_docx_defs *defs, const char *id)
{
    return find_style_id(defs, id ? (struct px_str){id, strlen(id)} : (struct px_str){NULL, 0});
}

void
px_docx_style_resolve(const struct px_docx_defs *defs, const char *style_id,
                      struct px_docx_pstyle *out)
{
    memset(out, 0, sizeof *out);
    int heading = -1, outline = -1, ilvl = -1, bold = -1;
    long num_id = -1;
    const struct px_docx_style *s = find_style(defs, style_id ? style_id : defs->default_pstyle);
    for (int hop = 0; s && hop < MAX_STYLE_CHAIN; hop++) {
        if (heading < 0 && (s->heading >= 0 || s->title)) {
            heading = s->title ? 1 : s->heading;
            out->title = s->title;
        }
        if (outline < 0)
            outline = s->outline;
        if (num_id < 0)
            num_id = s->num_id;
        if (ilvl < 0)
            ilvl = s->ilvl;
        if (bold < 0)
            bold = s->bold;
        s = s->based_on ? find_style(defs, s->based_on) : NULL;
    }
    if (heading <= 0 && outline >= 0 && outline < PX_DOCX_LEVELS)
        heading = outline + 1;
    out->heading = heading > 0 ? heading : 0;
    out->num_id = num_id > 0 ? num_id : 0;
    out->ilvl = ilvl > 0 ? ilvl : 0;
    out->bold = bold > 0;
}

int
px_docx_char_style_bold(const struct px_docx_defs *defs, struct px_str style_id)
{
    const struct px_docx_style *s = find_style_id(defs, style_id);
    for (int hop = 0; s && hop < MAX_STYLE_CHAIN; hop++) {
        if (s->bold >= 0)
            return s->bold;
        s = s->based_on ? find_style(defs, s->based_on) : NULL;
    }
    return -1;
}

/* ---- counters and markers ---- */

static struct px_docx_num *
find_num(struct px_docx_defs *defs, long id)
{
    for (size_t i = 0; i < defs->nnums; i++)
        if (defs->nums[i].id == id)
            return &defs->nums[i];
    return NULL;
}

static struct px_docx_abstract *
find_abstract(struct px_docx_defs *defs, long id)
{
    for (size_t i = 0; i < defs->nabstracts; i++)
        if (defs->abstracts[i].id == id)
            return &defs->abstracts[i];
    return NULL;
}

static const struct px_docx_lvl *
level_def(const struct px_docx_num *num, const struct px_docx_abstract *abs, int i)
{
    return num->lvl[i].defined ? &num->lvl[i] : &abs->lvl[i];
}

static void
put_roman(struct px_buf *b, int n, int upper)
{
    static const struct {
        int v;
        const char *s;
    } digits[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"},
                  {90, "xc"},  {50, "l"},   {40, "xl"}, {10, "x"},   {9, "ix"},
                  {5, "v"},    {4, "iv"},   {1, "i"}};
    if (n <= 0 || n >= 4000) {
        px_buf_printf(b, "%d", n);
        return;
    }
    for (size_t i = 0; i < sizeof digits / sizeof digits[0]; i++)
        for (; n >= digits[i].v; n -= digits[i].v)
            for (const char *p = digits[i].s; *p; p++)
                px_buf_putc(b, upper ? (char)(*p - 'a' + 'A') : *p);
}

/* Word's letters: a..z, then aa..zz, aaa..; capped so a hostile counter stays short. */
static void
put_letters(struct px_buf *b, int n, int upper)
{
    if (n <= 0) {
        px_buf_printf(b, "%d", n);
        return;
    }
    int reps = (n - 1) / 26 + 1;
    char c = (char)((upper ? 'A' : 'a') + (n - 1) % 26);
    for (int i = 0; i < reps && i < 8; i++)
        px_buf_putc(b, c);
}

static void
put_counter(struct px_buf *b, enum px_docx_numfmt fmt, int n)
{
    switch (fmt) {
    case PX_DOCX_FMT_DECIMAL_ZERO:
        px_buf_printf(b, "%02d", n);
        break;
    case PX_DOCX_FMT_LOWER_LETTER:
    case PX_DOCX_FMT_UPPER_LETTER:
        put_letters(b, n, fmt == PX_DOCX_FMT_UPPER_LETTER);
        break;
    case PX_DOCX_FMT_LOWER_ROMAN:
    case PX_DOCX_FMT_UPPER_ROMAN:
        put_roman(b, n, fmt == PX_DOCX_FMT_UPPER_ROMAN);
        break;
    case PX_DOCX_FMT_BULLET:
    case PX_DOCX_FMT_NONE:
        break;
    default:
        px_buf_printf(b, "%d", n);
        break;
    }
}

static int
level_start(const struct px_docx_num *num, const struct px_docx_lvl *lvl, int i)
{
    return num->restart[i] > 0 ? num->restart[i] : lvl->start;
}

/* Advance level i of the list; deeper levels restart, shallower unstarted ones show their start. */
static void
advance(struct px_docx_num *num, struct px_docx_abstract *abs, int i)
{
    if (!num->used) {
        num->used = 1;
        for (int k = 0; k < PX_DOCX_LEVELS; k++)
            if (num->restart[k] > 0)
                abs->counter[k] = 0;
    }
    for (int k = 0; k < i; k++)
        if (abs->counter[k] == 0)
            abs->counter[k] = level_start(num, level_def(num, abs, k), k);
    const struct px_docx_lvl *lvl = level_def(num, abs, i);
    if (abs->counter[i] == 0)
        abs->counter[i] = level_start(num, lvl, i);
    else if (abs->counter[i] < MAX_COUNTER)
        abs->counter[i]++;
    for (int k = i + 1; k < PX_DOCX_LEVELS; k++)
        abs->counter[k] = 0;
}

static void
render(struct px_buf *out, const struct px_docx_num *num, const struct px_docx_abstract *abs,
       const char *text)
{
    for (const char *p = text; *p && out->len < 64; p++) {
        if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
            int k = p[1] - '1';
            put_counter(out, level_def(num, abs, k)->fmt, abs->counter[k]);
            p++;
        } else {
            px_buf_putc(out, *p);
        }
    }
}

int
px_docx_number_next(struct px_docx_defs *defs, long num_id, int ilvl, struct px_buf *marker)
{
    px_buf_clear(marker);
    if (num_id <= 0)
        return 0;
    struct px_docx_num *num = find_num(defs, num_id);
    struct px_docx_abstract *abs = num ? find_abstract(defs, num->abstract_id) : NULL;
    if (!abs)
        return 0;
    int i = clamp_level(ilvl);
    const struct px_docx_lvl *lvl = level_def(num, abs, i);
    if (!lvl->defined)
        return 0;
    advance(num, abs, i);
    if (lvl->fmt == PX_DOCX_FMT_BULLET) {
        /* A bullet whose glyph is a space shows nothing (converters use it for plain items). */
        if (strspn(lvl->text, " \t") == strlen(lvl->text))
            return 0;
        px_buf_putc(marker, '-');
        return 2;
    }
    render(marker, num, abs, lvl->text);
    return marker->len > 0 && lvl->fmt != PX_DOCX_FMT_NONE ? 1 : 0;
}

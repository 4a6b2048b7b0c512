/*
 * extract_doc — facts of the document itself: kind, number, issuer,
 * province, date of issue, the documents it implements, the plan's year.
 *
 * The phrasings are the `doc.*` records of rules/document.rules; this file
 * only decides where to look and in which order:
 *   - the preamble (every block before the first part numbered "I."), and
 *     the cells of tables there (a DOCX/HTML header is a table);
 *   - else the appendix caption "(Kèm theo Kế hoạch số … ngày … của …)";
 *   - else the body (issuer line printed at the end, province mentions).
 */
#include "extract_internal.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A piece of text to look at: a block's text or one table cell. */
struct unit {
    const char *text;
    const struct px_block *b;
    const struct px_cell *c;
};

struct units {
    struct unit *v;
    size_t n, cap;
};

static void
units_add(struct units *u, const char *text, const struct px_block *b, const struct px_cell *c)
{
    if (!text || !*text)
        return;
    if (u->n == u->cap) {
        u->cap = u->cap ? 2 * u->cap : 64;
        u->v = px_xrealloc(u->v, u->cap * sizeof *u->v);
    }
    u->v[u->n++] = (struct unit){text, b, c};
}

/* Blocks [from, to) and the cells of their tables. */
static void
units_collect(struct px_doc *doc, size_t from, size_t to, struct units *u)
{
    for (size_t i = from; i < to && i < doc->nblocks; i++) {
        const struct px_block *b = &doc->blocks[i];
        if (b->type != PX_BLOCK_TABLE) {
            units_add(u, b->text, b, NULL);
            continue;
        }
        for (size_t y = 0; y < b->table->nrows; y++)
            for (size_t x = 0; x < b->table->rows[y].ncells; x++)
                units_add(u, b->table->rows[y].cells[x].text, b, &b->table->rows[y].cells[x]);
    }
}

static struct px_span
unit_span(const struct unit *u, size_t off, size_t len)
{
    if (u->c) {
        uint32_t line = u->c->span.line;
        uint64_t a = px_offmap_lookup(&u->c->map, off, u->c->span.byte, u->c->span.line, &line);
        return (struct px_span){line, a, len};
    }
    return px_xblock_span(u->b, off, len);
}

/* The end of the preamble: the first block numbered with a roman numeral,
 * or just after the sentence that hands out the duties (rule task.opener:
 * a directive's "… Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:" has no parts). */
static int
preamble_end(struct px_xrun *r, struct px_xkey *k, size_t *end)
{
    struct px_doc *doc = r->doc;
    *end = doc->nblocks;
    for (size_t i = 0; i < doc->nblocks; i++) {
        const struct px_block *b = &doc->blocks[i];
        if (px_xmark_of(b->number) == PX_XM_ROMAN) {
            *end = i;
            return 0;
        }
        if (b->type == PX_BLOCK_TABLE || b->number || !b->text[0])
            continue;
        struct px_match m;
        if (px_xkey_make(r, b->text, strlen(b->text), k) != 0)
            return -1;
        if (px_xmatch(r, "task.opener", k->key.ptr, k->key.len, &m)) {
            *end = i + 1;
            return 0;
        }
    }
    return 0;
}

/* A named group of the last match, as offsets into the keyed text. */
static int
group_src(struct px_xrun *r, const char *rule_id, const struct px_xkey *k, const struct px_match *m,
          const char *name, size_t *a, size_t *z)
{
    struct px_str g;
    const struct px_rule *rule = px_xrule(r, rule_id);
    if (!rule || !px_match_group(rule, m, k->key.ptr, name, &g) || g.len == 0)
        return 0;
    size_t ka = (size_t)(g.p - k->key.ptr);
    *a = px_xkey_src(k, ka);
    *z = px_xkey_src(k, ka + g.len);
    return 1;
}

/* A named group of the last match as an arena string (key text, case-folded). */
static char *
group_key(struct px_xrun *r, const char *rule_id, const struct px_xkey *k, const struct px_match *m,
          const char *name)
{
    struct px_str g;
    const struct px_rule *rule = px_xrule(r, rule_id);
    if (!rule || !px_match_group(rule, m, k->key.ptr, name, &g))
        return NULL;
    return px_arena_strndup(&r->doc->arena, g.p, g.len);
}

static int
group_int(struct px_xrun *r, const char *rule_id, const struct px_xkey *k, const struct px_match *m,
          const char *name)
{
    char *s = group_key(r, rule_id, k, m, name);
    return s && *s ? atoi(s) : 0;
}

/* Copy of text[a..z) without any white space ("333 /KH-UBND" -> "333/KH-UBND"). */
static char *
copy_nospace(struct px_xrun *r, const char *text, size_t a, size_t z)
{
    char *out = px_arena_alloc(&r->doc->arena, z - a + 1);
    size_t n = 0;
    for (size_t i = a; i < z; i++)
        if (text[i] != ' ' && text[i] != '\n' && text[i] != '\t')
            out[n++] = text[i];
    out[n] = '\0';
    return out;
}

static void
set_iso(char out[11], int y, int m, int d)
{
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
        return;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static void
set_prov(struct px_docinfo *info, enum px_fact f, const char *rule, struct px_span span)
{
    info->prov[f].rule = rule;
    info->prov[f].span = span;
}

/* Kind word ("kế hoạch") -> kind name, through the doc.kind.* rules. */
static const char *
kind_of_words(struct px_xrun *r, const char *key, size_t len)
{
    struct px_match m;
    const struct px_rule *rule = px_xmatch_any(r, "doc.kind.", key, len, &m);
    return rule ? px_rule_get(rule, "kind") : NULL;
}

static int
find_kind(struct px_xrun *r, const struct units *u, struct px_xkey *k)
{
    for (size_t i = 0; i < u->n; i++) {
        if (px_xkey_make(r, u->v[i].text, strlen(u->v[i].text), k) != 0)
            return -1;
        struct px_match m;
        const struct px_rule *rule = px_xmatch_any(r, "doc.kind.", k->key.ptr, k->key.len, &m);
        if (rule && px_rule_get(rule, "kind")) {
            r->out->info.kind = px_rule_get(rule, "kind");
            set_prov(&r->out->info, PX_FACT_KIND, rule->id,
                     unit_span(&u->v[i], 0, strlen(u->v[i].text)));
            r->title_unit = i + 1;
            return 0;
        }
    }
    return 0;
}

/* "Số: 333 /KH-UBND" in the preamble. Returns 1 when a number line was seen (even blank). */
static int
find_header_number(struct px_xrun *r, const struct units *u, struct px_xkey *k)
{
    static const char *id = "doc.number.header";
    struct px_docinfo *info = &r->out->info;
    for (size_t i = 0; i < u->n; i++) {
        struct px_match m;
        const char *text = u->v[i].text;
        if (px_xkey_make(r, text, strlen(text), k) != 0)
            return -1;
        if (!px_xmatch(r, id, k->key.ptr, k->key.len, &m))
            continue;
        size_t a, z, ca, cz;
        if (!group_src(r, id, k, &m, "code", &ca, &cz))
            continue;
        char *code = group_key(r, id, k, &m, "code");
        struct px_match cm;
        const struct px_rule *cr = px_xmatch_any(r, "doc.code.", code, strlen(code), &cm);
        if (!strcmp(info->kind, "other") && cr && px_rule_get(cr, "kind"))
            info->kind = px_rule_get(cr, "kind"); /* no title line: the number's code says */
        if (group_src(r, id, k, &m, "num", &a, &z))
            info->number = copy_nospace(r, text, a, cz);
        size_t ma = px_xkey_src(k, m.start), mz = px_xkey_src(k, m.end);
        set_prov(info, PX_FACT_NUMBER, id, unit_span(&u->v[i], ma, mz - ma));
        return 1;
    }
    return 0;
}

/* Title case of a place from key text: first letter of each word upper-cased. */
static const char *
standard_place(struct px_xrun *r, const char *place, size_t len)
{
    while (len && place[len - 1] == ' ')
        len--;
    if (!len)
        return NULL;
    return px_province_standard(r->ex->ag, r->ex->nz, place, len);
}

/* Key text (lower case) with the first letter of every word upper-cased:
 * the usual spelling of a place name ("hòa khánh" -> "Hòa Khánh"). */
static void
put_title_case(struct px_buf *b, const char *s, size_t len)
{
    int32_t i = 0, n = (int32_t)len;
    int start = 1;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0)
            continue;
        char tmp[4];
        int32_t o = 0;
        UBool err = 0;
        U8_APPEND((uint8_t *)tmp, o, 4, start ? u_toupper(c) : c, err);
        if (!err)
            px_buf_put(b, tmp, (size_t)o);
        start = c == ' ';
    }
}

/* " level Province" of a matched issuer rule, appended to b. A level below
 * the province (group `local`: "phường", "huyện", …) keeps its own place
 * as written: the plan's province is not part of that name. */
static void
issuer_place(struct px_xrun *r, const struct px_rule *rule, const struct px_xkey *k,
             const struct px_match *m, struct px_buf *b)
{
    struct px_str level = {NULL, 0}, place = {NULL, 0}, local = {NULL, 0};
    px_match_group(rule, m, k->key.ptr, "level", &level);
    px_match_group(rule, m, k->key.ptr, "place", &place);
    if (px_match_group(rule, m, k->key.ptr, "local", &local) && local.len) {
        px_buf_printf(b, " %.*s", (int)local.len, local.p);
        while (place.len && place.p[place.len - 1] == ' ')
            place.len--;
        if (place.len) {
            px_buf_putc(b, ' ');
            put_title_case(b, place.p, place.len);
        }
        return;
    }
    const char *prov = place.len ? standard_place(r, place.p, place.len) : NULL;
    if (!prov && !place.len)
        prov = r->out->info.province;
    if (!level.len && px_rule_get(rule, "level"))
        level = (struct px_str){px_rule_get(rule, "level"), strlen(px_rule_get(rule, "level"))};
    if (level.len)
        px_buf_printf(b, " %.*s", (int)level.len, level.p);
    if (prov)
        px_buf_printf(b, " %s", prov);
    else if (place.len)
        px_buf_printf(b, " %.*s", (int)place.len, place.p);
}

/*
 * Compose an issuer from a matched doc.issuer.* rule: [role ][office ]body
 * level Province, the words taken from the rule's role/office/body values
 * (data), the province's standard spelling from the provinces table.
 */
static char *
compose_issuer(struct px_xrun *r, const struct px_rule *rule, const struct px_xkey *k,
               const struct px_match *m)
{
    struct px_buf b = PX_BUF_INIT;
    struct px_str g;
    if (px_match_group(rule, m, k->key.ptr, "role", &g) && g.len && px_rule_get(rule, "role"))
        px_buf_printf(&b, "%s ", px_rule_get(rule, "role"));
    if (px_match_group(rule, m, k->key.ptr, "office", &g) && g.len && px_rule_get(rule, "office"))
        px_buf_printf(&b, "%s ", px_rule_get(rule, "office"));
    px_buf_puts(&b, px_rule_get(rule, "body") ? px_rule_get(rule, "body") : "");
    issuer_place(r, rule, k, m, &b);
    char *s = px_xcopy_oneline(r, b.ptr, b.len);
    px_buf_release(&b);
    return s;
}

/* Upper-case the first letter of the word at b->ptr + at (ICU simple mapping). */
static void
capital_at(struct px_buf *b, size_t at)
{
    int32_t i = (int32_t)at, len = (int32_t)b->len, o = 0;
    UChar32 c;
    char tmp[4];
    UBool err = 0;
    U8_NEXT(b->ptr, i, len, c);
    if (c < 0)
        return;
    U8_APPEND((uint8_t *)tmp, o, 4, u_toupper(c), err);
    if (!err && o == i - (int32_t)at) /* same length: replace in place */
        memcpy(b->ptr + at, tmp, (size_t)o);
}

/*
 * The name of a body that issues under its parent ("SỞ TÀI CHÍNH" under
 * "UBND TỈNH ĐỒNG THÁP"), from key text: its canonical form when the agency
 * table knows it, else the words in the usual case of a body's name
 * ("Sở Nông nghiệp và Môi trường": head and the first word after it capital).
 */
static void
sub_body_name(struct px_xrun *r, const char *key, size_t len, struct px_buf *out)
{
    char *canon =
        px_agency_canonical(r->ex->ag, r->ex->nz, key, len, r->out->info.province, &r->doc->arena);
    px_buf_clear(out);
    px_buf_puts(out, canon);
    int32_t i = 0, n = (int32_t)out->len;
    UChar32 c = -1;
    if (n)
        U8_NEXT(out->ptr, i, n, c);
    if (c >= 0 && u_isupper(c))
        return; /* a name of the table (key text is lower case), in its spelling */
    capital_at(out, 0);
    const char *sp = strchr(out->ptr, ' ');
    if (sp)
        capital_at(out, (size_t)(sp - out->ptr) + 1);
}

/* A name read from key text that ends with the province: that ending in the
 * province's own spelling ("… đồng đăng - lạng sơn" -> "… - Lạng Sơn"). */
static int
province_spelling(struct px_xrun *r, struct px_buf *name, const char *province)
{
    struct px_xkey k = {PX_BUF_INIT, NULL, 0};
    if (px_xkey_make(r, province, strlen(province), &k) != 0)
        return -1;
    if (k.key.len && k.key.len <= name->len &&
        memcmp(name->ptr + name->len - k.key.len, k.key.ptr, k.key.len) == 0) {
        px_buf_truncate(name, name->len - k.key.len);
        px_buf_puts(name, province);
    }
    px_xkey_release(&k);
    return 0;
}

/*
 * The header line of a body under its parent (unit `at`) and the lines that
 * continue it: all-capital blocks on the very next source lines, as a long
 * name is broken ("BAN QUẢN LÝ KHU KINH TẾ" / "CỬA KHẨU ĐỒNG ĐĂNG - LẠNG
 * SƠN"), that rule doc.issuer.more accepts (not the national motto nor the
 * number line). Joined with spaces into out; returns the last unit read, or
 * (size_t)-1 on failure (reported).
 */
static size_t
sub_lines(struct px_xrun *r, const struct units *u, size_t at, struct px_buf *out)
{
    struct px_xkey k = {PX_BUF_INIT, NULL, 0};
    size_t last = at;
    px_buf_puts(out, u->v[at].text);
    for (size_t j = at + 1; j < u->n && !u->v[at].c; j++) {
        const struct px_block *b = u->v[j].b, *prev = u->v[j - 1].b;
        struct px_match m;
        if (u->v[j].c || !(b->flags & PX_BLOCK_CAPS) || b->number ||
            b->span.line != prev->span.line + 1)
            break;
        if (px_xkey_make(r, b->text, strlen(b->text), &k) != 0) {
            last = (size_t)-1;
            break;
        }
        if (!px_xmatch(r, "doc.issuer.more", k.key.ptr, k.key.len, &m))
            break;
        px_buf_putc(out, ' ');
        px_buf_puts(out, b->text);
        last = j;
    }
    px_xkey_release(&k);
    return last;
}

/*
 * A department's plan names itself under its parent: "UBND TỈNH ĐỒNG THÁP"
 * then "SỞ TÀI CHÍNH" (the next header line, or the same cell). The issuer
 * is then the body under its parent's place: "Sở Tài chính tỉnh Đồng Tháp".
 * Returns the issuer, or NULL when no such line follows.
 */
static char *
sub_issuer(struct px_xrun *r, const struct units *u, size_t i, const struct px_rule *rule,
           const struct px_xkey *k, const struct px_match *m, int *rc)
{
    struct px_buf place = PX_BUF_INIT, name = PX_BUF_INIT;
    struct px_str sub = {NULL, 0};
    char *issuer = NULL;
    issuer_place(r, rule, k, m, &place);
    if (px_match_group(rule, m, k->key.ptr, "sub", &sub) && sub.len) {
        sub_body_name(r, sub.p, sub.len, &name);
    } else if (i + 1 < u->n) {
        struct px_match sm;
        struct px_xkey nk = {PX_BUF_INIT, NULL, 0};
        struct px_buf lines = PX_BUF_INIT;
        size_t last = sub_lines(r, u, i + 1, &lines);
        if (last == (size_t)-1 || px_xkey_make(r, lines.ptr, lines.len, &nk) != 0) {
            px_xkey_release(&nk);
            px_buf_release(&lines);
            *rc = -1;
            goto out;
        }
        if (px_xmatch(r, "doc.issuer.sub", nk.key.ptr, nk.key.len, &sm) &&
            px_match_group(px_xrule(r, "doc.issuer.sub"), &sm, nk.key.ptr, "sub", &sub) && sub.len)
            sub_body_name(r, sub.p, sub.len, &name);
        px_xkey_release(&nk);
        px_buf_release(&lines);
    }
    /* a proper name that carries its province ("Ban Quản lý Khu kinh tế cửa
     * khẩu Đồng Đăng - Lạng Sơn") takes no "tỉnh <P>" after it */
    const char *own = name.len ? px_province_find(r->ex->ag, r->ex->nz, name.ptr, name.len) : NULL;
    if (name.len) {
        if (!(own && r->out->info.province && !strcmp(own, r->out->info.province)))
            px_buf_put(&name, place.ptr, place.len);
        else if (province_spelling(r, &name, own) != 0)
            *rc = -1;
        issuer = px_xcopy_oneline(r, name.ptr, name.len);
    }
out:
    px_buf_release(&place);
    px_buf_release(&name);
    return issuer;
}

/* Left column of a header flattened with '|': the first cell of every line. */
static void
left_column(const char *text, struct px_buf *out)
{
    px_buf_clear(out);
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        const char *bar = memchr(p, '|', n);
        if (!bar)
            return; /* not a flattened header */
        px_buf_put(out, p, (size_t)(bar - p));
        px_buf_putc(out, ' ');
        p += n + (eol != NULL);
    }
}

/*
 * An issuer line ("ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", "CHỦ TỊCH …") in units:
 * one unit, or the left column of a flattened header; only when no unit
 * names it whole, a unit and the next one read together (a header broken
 * after "ỦY BAN NHÂN DÂN"; the rule is anchored at both ends, so two lines
 * only count when they make the whole issuer line between them). The
 * broken header comes last so that a decision's authority line ("CHỦ TỊCH
 * ỦY BAN NHÂN DÂN TỈNH …") still outranks it.
 */
static int
find_issuer_line(struct px_xrun *r, const struct units *u, struct px_xkey *k, const char **province)
{
    struct px_buf left = PX_BUF_INIT;
    int found = 0;
    for (int joined = 0; joined < 2 && !found; joined++) {
        for (size_t i = 0; i < u->n && !found; i++) {
            for (int pass = joined ? 2 : 0; pass < (joined ? 3 : 2) && !found; pass++) {
                const char *text = u->v[i].text;
                size_t last = i; /* the last unit read */
                if (pass == 1) {
                    left_column(text, &left);
                    if (!left.len)
                        continue;
                    text = left.ptr;
                } else if (pass == 2) {
                    if (i + 1 >= u->n || u->v[i].c || u->v[i + 1].c)
                        break; /* table cells hold their lines together already */
                    px_buf_clear(&left);
                    px_buf_puts(&left, text);
                    px_buf_putc(&left, ' ');
                    px_buf_puts(&left, u->v[i + 1].text);
                    text = left.ptr;
                    last = i + 1;
                }
                struct px_match m;
                if (px_xkey_make(r, text, strlen(text), k) != 0) {
                    px_buf_release(&left);
                    return -1;
                }
                const struct px_rule *rule =
                    px_xmatch_any(r, "doc.issuer.line", k->key.ptr, k->key.len, &m);
                if (!rule)
                    continue;
                struct px_str place, local = {NULL, 0};
                px_match_group(rule, &m, k->key.ptr, "local", &local);
                if (!local.len && px_match_group(rule, &m, k->key.ptr, "place", &place) &&
                    place.len && !*province)
                    *province = standard_place(r, place.p, place.len);
                /* "ỦY BAN NHÂN DÂN" of some other province: not ours; a commune's
                 * or district's own line names no province at all */
                if (!local.len && !*province && !r->out->info.province)
                    continue;
                if (!r->out->info.province && *province)
                    r->out->info.province = (char *)*province;
                int rc = 0;
                char *sub = sub_issuer(r, u, last, rule, k, &m, &rc);
                if (rc < 0) {
                    px_buf_release(&left);
                    return -1;
                }
                r->out->info.issuer = sub ? sub : compose_issuer(r, rule, k, &m);
                set_prov(&r->out->info, PX_FACT_ISSUER, rule->id,
                         unit_span(&u->v[i], 0, strlen(u->v[i].text)));
                found = 1;
            }
        }
    }
    px_buf_release(&left);
    return found;
}

/*
 * A directive of the Chairman ("…, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:",
 * rule doc.issuer.speaker) is headed by the body and signed by its head
 * with no authority line: the role the sentence names goes before an issuer
 * read as the body itself ("Ủy ban nhân dân tỉnh Lào Cai").
 */
static int
speaker_role(struct px_xrun *r, const struct units *u, struct px_xkey *k)
{
    static const char *id = "doc.issuer.speaker";
    const struct px_rule *rule = px_xrule(r, id);
    struct px_docinfo *info = &r->out->info;
    const char *role = rule ? px_rule_get(rule, "role") : NULL;
    const char *body = rule ? px_rule_get(rule, "body") : NULL;
    if (!role || !body || !info->issuer || strncmp(info->issuer, body, strlen(body)) != 0)
        return 0;
    for (size_t i = 0; i < u->n; i++) {
        struct px_match m;
        struct px_str g;
        if (u->v[i].c)
            continue;
        if (px_xkey_make(r, u->v[i].text, strlen(u->v[i].text), k) != 0)
            return -1;
        if (!px_xmatch(r, id, k->key.ptr, k->key.len, &m))
            continue;
        if (px_match_group(rule, &m, k->key.ptr, "role", &g) && g.len) {
            struct px_buf b = PX_BUF_INIT;
            px_buf_printf(&b, "%s %s", role, info->issuer);
            info->issuer = px_xcopy_oneline(r, b.ptr, b.len);
            px_buf_release(&b);
            size_t ma = px_xkey_src(k, m.start), mz = px_xkey_src(k, m.end);
            set_prov(info, PX_FACT_ISSUER, id, unit_span(&u->v[i], ma, mz - ma));
        }
        return 0;
    }
    return 0;
}

/* "Nghệ An, ngày 04 tháng 5 năm 2026" in the preamble. */
static int
find_issued(struct px_xrun *r, const struct units *u, struct px_xkey *k, const char **province)
{
    static const char *id = "doc.issued.header";
    for (size_t i = 0; i < u->n; i++) {
        struct px_match m;
        if (px_xkey_make(r, u->v[i].text, strlen(u->v[i].text), k) != 0)
            return -1;
        if (!px_xmatch(r, id, k->key.ptr, k->key.len, &m))
            continue;
        set_iso(r->out->info.issued, group_int(r, id, k, &m, "y"), group_int(r, id, k, &m, "m"),
                group_int(r, id, k, &m, "d"));
        struct px_str place;
        const struct px_rule *rule = px_xrule(r, id);
        if (!*province && px_match_group(rule, &m, k->key.ptr, "place", &place))
            *province = standard_place(r, place.p, place.len);
        size_t ma = px_xkey_src(k, m.start), mz = px_xkey_src(k, m.end);
        set_prov(&r->out->info, PX_FACT_ISSUED, id, unit_span(&u->v[i], ma, mz - ma));
        return 1;
    }
    return 0;
}

/*
 * The appendix caption "(Kèm theo Kế hoạch số 662/KH-VPUB ngày 28 tháng 4
 * năm 2026 của Văn phòng Ủy ban nhân dân tỉnh Nghệ An)": fills what the
 * header did not give. Only a caption naming the document's own kind counts.
 */
static int
use_caption(struct px_xrun *r, struct px_xkey *k, int have_number, const char **province,
            const char *mentioned)
{
    static const char *id = "doc.caption";
    struct px_docinfo *info = &r->out->info;
    struct units u = {NULL, 0, 0};
    units_collect(r->doc, 0, r->doc->nblocks, &u);
    int rc = 0;
    for (size_t i = 0; i < u.n; i++) {
        struct px_match m;
        const char *text = u.v[i].text;
        if ((rc = px_xkey_make(r, text, strlen(text), k)) != 0)
            break;
        if (!px_xmatch(r, id, k->key.ptr, k->key.len, &m))
            continue;
        char *kw = group_key(r, id, k, &m, "kind");
        const char *kind = kw ? kind_of_words(r, kw, strlen(kw)) : NULL;
        if (strcmp(info->kind, "other") && kind && strcmp(kind, info->kind))
            continue;
        if (!strcmp(info->kind, "other") && kind)
            info->kind = kind;
        size_t ma = px_xkey_src(k, m.start), mz = px_xkey_src(k, m.end);
        struct px_span span = unit_span(&u.v[i], ma, mz - ma);
        size_t a, z, ca, cz;
        if (!have_number && group_src(r, id, k, &m, "num", &a, &z) &&
            group_src(r, id, k, &m, "code", &ca, &cz)) {
            info->number = copy_nospace(r, text, a, cz);
            set_prov(info, PX_FACT_NUMBER, id, span);
        }
        if (!info->issued[0]) {
            set_iso(info->issued, group_int(r, id, k, &m, "y"), group_int(r, id, k, &m, "m"),
                    group_int(r, id, k, &m, "d"));
            if (info->issued[0])
                set_prov(info, PX_FACT_ISSUED, id, span);
        }
        size_t ia, iz;
        if (!info->issuer && group_src(r, id, k, &m, "issuer", &ia, &iz)) {
            struct px_xkey ik = {PX_BUF_INIT, NULL, 0};
            if ((rc = px_xkey_make(r, text + ia, iz - ia, &ik)) == 0) {
                struct px_match im;
                const struct px_rule *rule =
                    px_xmatch_any(r, "doc.issuer.form", ik.key.ptr, ik.key.len, &im);
                struct px_str place;
                if (rule && !*province && px_match_group(rule, &im, ik.key.ptr, "place", &place))
                    *province = standard_place(r, place.p, place.len);
                if (rule && !*province)
                    *province = mentioned; /* "của UBND tỉnh": the province the body names */
                if (rule && *province && !info->province)
                    info->province = (char *)*province;
                info->issuer = rule ? compose_issuer(r, rule, &ik, &im)
                                    : px_xcopy_oneline(r, text + ia, iz - ia);
                set_prov(info, PX_FACT_ISSUER, id, span);
            }
            px_xkey_release(&ik);
        }
        break;
    }
    free(u.v);
    return rc;
}

/* The province named most often in the body (one vote per block). */
static const char *
province_by_mentions(struct px_xrun *r)
{
    const char *best = NULL;
    const char **seen = px_xcalloc(r->doc->nblocks + 1, sizeof *seen);
    size_t *votes = px_xcalloc(r->doc->nblocks + 1, sizeof *votes);
    size_t nseen = 0, best_votes = 0;
    for (size_t i = 0; i < r->doc->nblocks; i++) {
        const struct px_block *b = &r->doc->blocks[i];
        if (b->type == PX_BLOCK_TABLE || !b->text)
            continue;
        const char *p = px_province_find(r->ex->ag, r->ex->nz, b->text, strlen(b->text));
        if (!p)
            continue;
        size_t j = 0;
        while (j < nseen && strcmp(seen[j], p))
            j++;
        if (j == nseen)
            seen[nseen++] = p;
        if (++votes[j] > best_votes) {
            best_votes = votes[j];
            best = seen[j];
        }
    }
    free(seen);
    free(votes);
    return best;
}

/* Document numbers in the preamble's "Thực hiện …" / title blocks, in order. */
static int
find_implements(struct px_xrun *r, struct px_xkey *k)
{
    struct px_docinfo *info = &r->out->info;
    const struct px_rule *num = px_xrule(r, "doc.docnum");
    if (!num)
        return 0;
    info->implements.present = 1;
    size_t cap = 0;
    for (size_t i = 0; i < r->preamble_end; i++) {
        const struct px_block *b = &r->doc->blocks[i];
        if (b->type == PX_BLOCK_TABLE || !b->text[0])
            continue;
        struct px_match m;
        if (px_xkey_make(r, b->text, strlen(b->text), k) != 0)
            return -1;
        if (!px_xmatch_any(r, "doc.implements.", k->key.ptr, k->key.len, &m))
            continue;
        /* a clause inside the sentence names its documents from where it opens */
        for (size_t at = m.start;
             px_rule_match(&r->ex->rs, num, k->key.ptr, k->key.len, at, &m) == 1;
             at = m.end > at ? m.end : at + 1) {
            size_t a = px_xkey_src(k, m.start), z = px_xkey_src(k, m.end);
            char *n = copy_nospace(r, b->text, a, z);
            int dup = info->number && !strcmp(n, info->number);
            for (size_t j = 0; j < info->implements.n && !dup; j++)
                dup = !strcmp(info->implements.v[j], n);
            if (dup)
                continue;
            if (info->implements.n == cap) {
                cap = cap ? 2 * cap : 8;
                info->implements.v = px_arena_grow(&r->doc->arena, info->implements.v,
                                                   info->implements.n, cap, sizeof(char *));
            }
            info->implements.v[info->implements.n++] = n;
            if (info->implements.n == 1)
                set_prov(info, PX_FACT_IMPLEMENTS, "doc.implements", px_xblock_span(b, a, z - a));
        }
    }
    return 0;
}

/* The plan's year: named in the title ("… năm 2025"), else the year of issue, else the
 * year written most often. Year-less deadlines ("Trong năm") take it. */
static int
find_year(struct px_xrun *r, const struct units *u, struct px_xkey *k)
{
    struct px_docinfo *info = &r->out->info;
    struct px_match m;
    if (r->title_unit > 0 && r->title_unit < u->n) {
        const char *t = u->v[r->title_unit].text;
        if (px_xkey_make(r, t, strlen(t), k) != 0)
            return -1;
        if (px_xmatch(r, "doc.year.title", k->key.ptr, k->key.len, &m))
            info->year = group_int(r, "doc.year.title", k, &m, "y");
    }
    if (!info->year && info->issued[0])
        info->year = atoi(info->issued);
    if (info->year)
        return 0;
    const struct px_rule *any = px_xrule(r, "doc.year.any");
    int years[64] = {0}, counts[64] = {0}, n = 0;
    for (size_t i = 0; any && i < r->doc->nblocks; i++) {
        const char *t = r->doc->blocks[i].text;
        if (!t || !*t)
            continue;
        for (size_t at = 0; px_rule_match(&r->ex->rs, any, t, strlen(t), at, &m) == 1;
             at = m.end > at ? m.end : at + 1) {
            int y = atoi(t + m.start), j = 0;
            while (j < n && years[j] != y)
                j++;
            if (j == n && n < 64)
                years[n++] = y;
            if (j < n)
                counts[j]++;
        }
    }
    for (int j = 0, best = 0; j < n; j++)
        if (counts[j] > best)
            best = counts[j], info->year = years[j];
    return 0;
}

int
px_extract_docinfo(struct px_xrun *r)
{
    struct px_docinfo *info = &r->out->info;
    struct px_xkey k = {PX_BUF_INIT, NULL, 0};
    struct units pre = {NULL, 0, 0}, all = {NULL, 0, 0};
    const char *province = NULL;
    int rc = -1, have_number;
    if (preamble_end(r, &k, &r->preamble_end) != 0)
        goto out;
    units_collect(r->doc, 0, r->preamble_end, &pre);
    info->implements.present = 1;
    if (find_kind(r, &pre, &k) < 0 || (have_number = find_header_number(r, &pre, &k)) < 0)
        goto out;
    if (find_issued(r, &pre, &k, &province) < 0)
        goto out;
    if (find_issuer_line(r, &pre, &k, &province) < 0)
        goto out;
    if (province && !info->province)
        info->province = (char *)province;
    const char *mentioned = province ? NULL : province_by_mentions(r);
    if (use_caption(r, &k, have_number, &province, mentioned) < 0)
        goto out;
    if (!info->province && !province)
        province = mentioned;
    if (!info->province && province)
        info->province = (char *)province;
    if (!info->issuer) {
        units_collect(r->doc, r->preamble_end, r->doc->nblocks, &all);
        if (find_issuer_line(r, &all, &k, &province) < 0)
            goto out;
    }
    if (speaker_role(r, &pre, &k) < 0)
        goto out;
    if (find_implements(r, &k) < 0 || find_year(r, &pre, &k) < 0)
        goto out;
    if (info->province)
        info->province = px_arena_strdup(&r->doc->arena, info->province);
    rc = 0;
out:
    px_xkey_release(&k);
    free(pre.v);
    free(all.v);
    return rc;
}

/*
 * encoding — UTF-8 validation, BOMs, declared charsets (ICU converters) and
 * detection of the legacy Vietnamese font encodings TCVN3 and VNI.
 *
 * Detection decodes a sample with each candidate (TCVN3, VNI, windows-1258)
 * and keeps the one under which most words with a non-ASCII letter are
 * well-formed Vietnamese syllables (onset + nucleus + coda, one tone at
 * most). Wrong candidates turn such words into symbol soup ("th¸ng",
 * "Vieệt"), so the right one stands out after a few lines of text.
 *
 * The legacy tables are data: rules/encodings/<name>.map, read when needed.
 */
#include "encoding.h"

#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- UTF-8 validation ---------------------------------------------------- */

static int
is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Length of the well-formed sequence at p, or 0 (overlong, surrogate,
 * beyond U+10FFFF, truncated, stray continuation byte). */
static size_t
seq_len(const unsigned char *p, size_t avail)
{
    unsigned c = p[0];
    if (c >= 0xC2 && c <= 0xDF)
        return avail >= 2 && is_cont(p[1]) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return avail >= 3 && p[1] >= lo && p[1] <= hi && is_cont(p[2]) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return avail >= 4 && p[1] >= lo && p[1] <= hi && is_cont(p[2]) && is_cont(p[3]) ? 4 : 0;
    }
    return 0;
}

static size_t
skip_ascii(const unsigned char *s, size_t i, size_t len)
{
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull)
            break;
    }
    while (i < len && s[i] < 0x80)
        i++;
    return i;
}

int
px_utf8_validate(const unsigned char *s, size_t len, size_t *bad_off)
{
    size_t i = 0;
    while ((i = skip_ascii(s, i, len)) < len) {
        size_t n = seq_len(s + i, len - i);
        if (n == 0) {
            if (bad_off)
                *bad_off = i;
            return -1;
        }
        i += n;
    }
    return 0;
}

/* ---- positions and errors ------------------------------------------------ */

/* 1-based line and column (in characters, counting each non-continuation
 * byte) of byte off. */
static void
position(const unsigned char *data, size_t off, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (data[i] == '\n')
            ++*line, *col = 1;
        else if (!is_cont(data[i]))
            ++*col;
    }
}

static int
refuse_at(struct px_diag *dg, const char *file, const unsigned char *data, size_t off,
          const char *cause)
{
    long line, col;
    position(data, off, &line, &col);
    px_diag_report(dg, PX_ERROR, file, line, col, "%s at column %ld", cause, col);
    return -1;
}

/* ---- legacy tables (rules/encodings/<name>.map) -------------------------- */

enum { MAX_CPS = 3 };

struct mapping {
    UChar u[MAX_CPS];
    uint8_t n; /* 0: byte not in the encoding */
};

struct pair_mapping {
    unsigned char a, b;
    struct mapping m;
};

struct legacy_table {
    struct mapping single[256];
    struct pair_mapping *pairs; /* heap-owned */
    size_t npairs;
    uint8_t pair_first[256]; /* non-zero when some pair starts with this byte */
};

static void
table_release(struct legacy_table *t)
{
    free(t->pairs);
    memset(t, 0, sizeof *t);
}

/* Parse "U+XXXX ..." after the bytes of a line. Returns 0 or -1. */
static int
parse_code_points(const char *p, struct mapping *m)
{
    m->n = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    while (p[0] == 'U' && p[1] == '+') {
        char *end;
        unsigned long cp = strtoul(p + 2, &end, 16);
        if (end == p + 2 || cp > 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF) || m->n == MAX_CPS)
            return -1;
        m->u[m->n++] = (UChar)cp;
        p = end;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    return m->n > 0 && (*p == '\0' || *p == '#') ? 0 : -1;
}

/* Parse up to two "0xNN" bytes; returns how many (0 on error). */
static int
parse_bytes(const char **pp, unsigned char b[2])
{
    int k = 0;
    const char *p = *pp;
    while (k < 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        char *end;
        unsigned long v = strtoul(p + 2, &end, 16);
        if (end == p + 2 || v > 0xFF)
            return 0;
        b[k++] = (unsigned char)v;
        p = end;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    *pp = p;
    return k;
}

static void
add_line(struct legacy_table *t, const unsigned char b[2], int nb, const struct mapping *m)
{
    if (nb == 1) {
        t->single[b[0]] = *m;
        return;
    }
    t->pairs = px_xrealloc(t->pairs, (t->npairs + 1) * sizeof *t->pairs);
    t->pairs[t->npairs++] = (struct pair_mapping){b[0], b[1], *m};
    t->pair_first[b[0]] = 1;
}

static void
parse_table(struct legacy_table *t, const char *path, char *text, struct px_diag *dg)
{
    long lineno = 0;
    for (char *line = text; line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p && *p != '#' && *p != '\r') {
            unsigned char b[2];
            struct mapping m;
            int nb = parse_bytes(&p, b);
            if (nb == 0 || parse_code_points(p, &m) < 0)
                px_diag_report(dg, PX_WARNING, path, lineno, 0, "bad encoding table line: '%s'",
                               line);
            else
                add_line(t, b, nb, &m);
        }
        line = nl ? nl + 1 : NULL;
    }
}

static int
read_first(const char *dir, const char *name, struct px_buf *path, struct px_buf *text)
{
    if (!dir || !*dir)
        return -1;
    px_buf_clear(path);
    px_buf_printf(path, "%s/encodings/%s.map", dir, name);
    return px_read_file(path->ptr, text);
}

/* Load the table: $PLANEX_RULES, then the source tree, then the install dir. */
static int
table_load(struct legacy_table *t, const char *name, struct px_diag *dg)
{
    const char *dirs[] = {
        getenv("PLANEX_RULES"),
#ifdef PX_SOURCE_RULES_DIR
        PX_SOURCE_RULES_DIR,
#endif
#ifdef PX_INSTALL_RULES_DIR
        PX_INSTALL_RULES_DIR,
#endif
    };
    struct px_buf path = PX_BUF_INIT, text = PX_BUF_INIT;
    int rc = -1;
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs && rc < 0; i++)
        rc = read_first(dirs[i], name, &path, &text);
    if (rc < 0)
        px_error(dg, "cannot read encoding table '%s.map'", name);
    else
        parse_table(t, path.ptr, text.ptr, dg);
    px_buf_release(&path);
    px_buf_release(&text);
    return rc;
}

/* ---- UTF-16 scratch text -------------------------------------------------- */

struct utext {
    UChar *u; /* heap-owned */
    size_t n, cap;
};

static void
ut_put(struct utext *t, const UChar *u, size_t n)
{
    if (n == 0)
        return;
    if (t->n + n > t->cap) {
        t->cap = (t->n + n) * 2 + 64;
        t->u = px_xrealloc(t->u, t->cap * sizeof *t->u);
    }
    memcpy(t->u + t->n, u, n * sizeof *u);
    t->n += n;
}

static void
ut_release(struct utext *t)
{
    free(t->u);
    memset(t, 0, sizeof *t);
}

static const UChar replacement = 0xFFFD;

static void
decode_legacy(const struct legacy_table *t, const unsigned char *data, size_t len,
              struct utext *out)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = data[i];
        if (t->pair_first[c] && i + 1 < len) {
            size_t k = 0;
            while (k < t->npairs && !(t->pairs[k].a == c && t->pairs[k].b == data[i + 1]))
                k++;
            if (k < t->npairs) {
                ut_put(out, t->pairs[k].m.u, t->pairs[k].m.n);
                i++;
                continue;
            }
        }
        const struct mapping *m = &t->single[c];
        if (m->n)
            ut_put(out, m->u, m->n);
        else if (c < 0x80) {
            UChar a = c;
            ut_put(out, &a, 1);
        } else {
            ut_put(out, &replacement, 1);
        }
    }
}

/* Decode with an ICU converter, stopping at the first byte it does not know
 * (its offset goes to *bad). Returns 0, -1 on a bad byte, -2 when the
 * charset is unknown. */
static int
decode_icu(const char *charset, const unsigned char *data, size_t len, struct utext *out,
           size_t *bad)
{
    UErrorCode err = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(charset, &err);
    if (U_FAILURE(err))
        return -2;
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
    const char *src = (const char *)data, *limit = src + len;
    UChar buf[4096];
    int rc = 0;
    if (U_FAILURE(err)) {
        ucnv_close(cnv);
        return -2;
    }
    for (;;) { /* a full buffer is U_BUFFER_OVERFLOW_ERROR, a failure code: go on */
        UChar *dst = buf;
        err = U_ZERO_ERROR;
        ucnv_toUnicode(cnv, &dst, buf + 4096, &src, limit, NULL, 1, &err);
        ut_put(out, buf, (size_t)(dst - buf));
        if (err != U_BUFFER_OVERFLOW_ERROR)
            break;
    }
    if (U_FAILURE(err)) {
        char bytes[8];
        int8_t nb = (int8_t)sizeof bytes;
        UErrorCode e2 = U_ZERO_ERROR;
        ucnv_getInvalidChars(cnv, bytes, &nb, &e2);
        *bad = (size_t)(src - (const char *)data) - (size_t)(nb > 0 ? nb : 0);
        rc = -1;
    }
    ucnv_close(cnv);
    return rc;
}

/* Compose (NFC) in place: combining tone marks of windows-1258 and VNI. */
static void
compose(struct utext *t)
{
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
    if (U_FAILURE(err) || t->n == 0)
        return;
    if (unorm2_isNormalized(nfc, t->u, (int32_t)t->n, &err) || U_FAILURE(err))
        return;
    struct utext r = {px_xmalloc((t->n + 16) * sizeof(UChar)), 0, t->n + 16};
    err = U_ZERO_ERROR;
    int32_t got = unorm2_normalize(nfc, t->u, (int32_t)t->n, r.u, (int32_t)r.cap, &err);
    if (U_FAILURE(err)) { /* NFC may grow a text: retry with the size ICU asked for */
        r.cap = (size_t)got + 1;
        r.u = px_xrealloc(r.u, r.cap * sizeof(UChar));
        err = U_ZERO_ERROR;
        got = unorm2_normalize(nfc, t->u, (int32_t)t->n, r.u, (int32_t)r.cap, &err);
    }
    if (U_FAILURE(err)) {
        ut_release(&r);
        return;
    }
    r.n = (size_t)got;
    ut_release(t);
    *t = r;
}

static void
to_utf8(const struct utext *t, struct px_buf *out)
{
    px_buf_clear(out);
    UErrorCode err = U_ZERO_ERROR;
    int32_t need = 0;
    u_strToUTF8WithSub(NULL, 0, &need, t->u, (int32_t)t->n, 0xFFFD, NULL, &err);
    px_buf_grow(out, (size_t)need + 1);
    err = U_ZERO_ERROR;
    u_strToUTF8WithSub(out->ptr, (int32_t)out->cap, &need, t->u, (int32_t)t->n, 0xFFFD, NULL, &err);
    out->len = (size_t)need;
    out->ptr[out->len] = '\0';
}

/* ---- Vietnamese syllables ------------------------------------------------- */

/* Each row: a plain vowel, then its huyền, sắc, hỏi, ngã, nặng forms. */
static const UChar *const vowel_rows[] = {
    u"aàáảãạ", u"ăằắẳẵặ", u"âầấẩẫậ", u"eèéẻẽẹ", u"êềếểễệ", u"iìíỉĩị",
    u"oòóỏõọ", u"ôồốổỗộ", u"ơờớởỡợ", u"uùúủũụ", u"ưừứửữự", u"yỳýỷỹỵ",
};

static const char *const onsets[] = {"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu",
                                     "th",  "tr", "b",  "c",  "d",  "đ",  "g",  "h",  "k",
                                     "l",   "m",  "n",  "p",  "r",  "s",  "t",  "v",  "x"};
static const char *const codas[] = {"ng", "nh", "ch", "c", "m", "n", "p", "t"};
static const char *const nuclei[] = {
    "a",   "ă",   "â",   "e",   "ê",   "i",   "o",   "ô",   "ơ",   "u",   "ư",   "y",   "ai",  "ao",
    "au",  "ay",  "âu",  "ây",  "eo",  "êu",  "ia",  "iê",  "iu",  "oa",  "oă",  "oe",  "oi",  "ôi",
    "ơi",  "oo",  "ua",  "uâ",  "uê",  "ui",  "uô",  "uơ",  "uy",  "ưa",  "ưi",  "ươ",  "ưu",  "yê",
    "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu", "oao", "ôô",
};

/* Plain lower-case letter (UTF-8, into b) and tone count of c; -1 when c is
 * not a Vietnamese letter. */
static int
base_letter(UChar c, char b[4], int *tones)
{
    UChar lc = (UChar)u_tolower(c);
    if (lc < 0x80 && lc >= 'a' && lc <= 'z' && lc != 'f' && lc != 'j' && lc != 'w' && lc != 'z') {
        b[0] = (char)lc, b[1] = '\0';
        return 0;
    }
    if (lc == 0x0111) {
        memcpy(b, "đ", sizeof "đ");
        return 0;
    }
    for (size_t r = 0; r < sizeof vowel_rows / sizeof *vowel_rows; r++)
        for (int k = 0; k < 6; k++)
            if (vowel_rows[r][k] == lc) {
                int32_t n = 0;
                UErrorCode err = U_ZERO_ERROR;
                u_strToUTF8(b, 4, &n, vowel_rows[r], 1, &err);
                *tones += k > 0;
                return U_SUCCESS(err) ? 0 : -1;
            }
    return -1;
}

static int
in_list(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
            return 1;
    return 0;
}

/* Is plain (UTF-8, toneless, lower case) onset? + nucleus + coda? */
static int
plain_syllable(const char *s, size_t len)
{
    for (size_t o = 0; o <= sizeof onsets / sizeof *onsets; o++) {
        size_t ol = o < sizeof onsets / sizeof *onsets ? strlen(onsets[o]) : 0;
        if (ol > len || (ol && memcmp(s, onsets[o], ol) != 0))
            continue;
        for (size_t c = 0; c <= sizeof codas / sizeof *codas; c++) {
            size_t cl = c < sizeof codas / sizeof *codas ? strlen(codas[c]) : 0;
            if (ol + cl >= len || (cl && memcmp(s + len - cl, codas[c], cl) != 0))
                continue;
            if (in_list(nuclei, sizeof nuclei / sizeof *nuclei, s + ol, len - ol - cl))
                return 1;
        }
    }
    return 0;
}

static int
is_syllable(const UChar *w, size_t n)
{
    char plain[64];
    size_t len = 0;
    int tones = 0;
    if (n > 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char b[4];
        if (base_letter(w[i], b, &tones) < 0)
            return 0;
        size_t bl = strlen(b);
        memcpy(plain + len, b, bl);
        len += bl;
    }
    return tones <= 1 && plain_syllable(plain, len);
}

/* Separators between words: ASCII other than letters, spaces, general
 * punctuation (quotes, dashes) and the symbols legacy tables keep. */
static int
is_separator(UChar c)
{
    if (c < 0x80)
        return !((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    return c == 0x00A0 || (c >= 0x2000 && c <= 0x206F) || c == 0x00AB || c == 0x00BB ||
           c == 0x00B0 || c == 0x00A7;
}

struct score {
    size_t words; /* words with a non-ASCII character */
    size_t good;  /* of which well-formed syllables */
};

static struct score
score_text(const struct utext *t)
{
    struct score sc = {0, 0};
    size_t i = 0;
    while (i < t->n) {
        while (i < t->n && is_separator(t->u[i]))
            i++;
        size_t start = i;
        int wide = 0;
        while (i < t->n && !is_separator(t->u[i]))
            wide |= t->u[i++] >= 0x80;
        if (i > start && wide) {
            sc.words++;
            sc.good += (size_t)is_syllable(t->u + start, i - start);
        }
    }
    return sc;
}

/* ---- detection ------------------------------------------------------------ */

enum { SAMPLE = 256 * 1024 }; /* enough words to decide; bounds the cost */
enum { MIN_WORDS = 3 };       /* fewer well-formed words decide nothing */

struct candidate {
    enum px_encoding enc;
    const char *table; /* rules/encodings/<table>.map, or NULL for ICU */
    const char *icu;
};

static const struct candidate candidates[] = {
    {PX_ENC_TCVN3, "tcvn3", NULL},
    {PX_ENC_VNI, "vni", NULL},
    {PX_ENC_CP1258, NULL, "windows-1258"},
};

/* Decode with candidate k. Returns 0, or -1 when it cannot decode. */
static int
decode_candidate(const struct candidate *c, const unsigned char *data, size_t len,
                 struct utext *out, struct px_diag *dg)
{
    if (c->table) {
        struct legacy_table t;
        if (table_load(&t, c->table, dg) < 0)
            return -1;
        decode_legacy(&t, data, len, out);
        table_release(&t);
    } else {
        size_t bad;
        if (decode_icu(c->icu, data, len, out, &bad) < 0)
            return -1;
    }
    compose(out);
    return 0;
}

/* The candidate whose decoding reads best, or -1 when none reads well. */
static int
detect(const unsigned char *data, size_t len, struct px_diag *dg)
{
    size_t sample = len < SAMPLE ? len : SAMPLE;
    int best = -1;
    double best_share = 0;
    for (size_t k = 0; k < sizeof candidates / sizeof *candidates; k++) {
        struct utext t = {NULL, 0, 0};
        if (decode_candidate(&candidates[k], data, sample, &t, dg) == 0) {
            struct score sc = score_text(&t);
            double share = sc.words ? (double)sc.good / (double)sc.words : 0;
            /* a handful of words can read as Vietnamese by chance ("cớ") */
            if (sc.good >= MIN_WORDS && share > best_share)
                best = (int)k, best_share = share;
        }
        ut_release(&t);
    }
    /* real text reads ~95% clean; a wrong table rarely reaches half */
    return best_share >= 0.7 ? best : -1;
}

/* ---- entry points ---------------------------------------------------------- */

static int
finish_unicode(const char *file, struct utext *t, enum px_encoding e, const char *from,
               struct px_buf *out, enum px_encoding *enc, struct px_diag *dg)
{
    compose(t);
    to_utf8(t, out);
    ut_release(t);
    *enc = e;
    if (from)
        px_diag_report(dg, PX_NOTE, file, 0, 0, "converted from %s", from);
    return 0;
}

static int
from_utf16(const char *file, const unsigned char *data, size_t len, enum px_encoding e,
           struct px_buf *out, enum px_encoding *enc, struct px_diag *dg)
{
    struct utext t = {NULL, 0, 0};
    size_t bad = 0;
    const char *name = e == PX_ENC_UTF16LE ? "UTF-16LE" : "UTF-16BE";
    if (decode_icu(name, data + 2, len - 2, &t, &bad) < 0) {
        ut_release(&t);
        px_diag_report(dg, PX_ERROR, file, 0, 0, "invalid %s data at byte %zu", name, bad + 2);
        return -1;
    }
    return finish_unicode(file, &t, e, name, out, enc, dg);
}

static int
is_utf8_name(const char *name)
{
    return ucnv_compareNames(name, "UTF-8") == 0 || ucnv_compareNames(name, "utf8") == 0;
}

/* A legacy table named in the container ("TCVN3", "VNI", "ABC"). */
static int
declared_legacy(const char *name)
{
    if (!strcasecmp(name, "tcvn3") || !strcasecmp(name, "tcvn") || !strcasecmp(name, "abc") ||
        !strcasecmp(name, "x-viet-tcvn5712"))
        return 0;
    if (!strcasecmp(name, "vni") || !strcasecmp(name, "x-viet-vni"))
        return 1;
    return -1;
}

static int
from_candidate(const char *file, const unsigned char *data, size_t len, int k, struct px_buf *out,
               enum px_encoding *enc, struct px_diag *dg)
{
    struct utext t = {NULL, 0, 0};
    if (decode_candidate(&candidates[k], data, len, &t, dg) < 0) {
        ut_release(&t);
        px_diag_report(dg, PX_ERROR, file, 0, 0, "cannot decode as %s",
                       px_encoding_name(candidates[k].enc));
        return -1;
    }
    return finish_unicode(file, &t, candidates[k].enc, px_encoding_name(candidates[k].enc), out,
                          enc, dg);
}

/* A declared charset. Returns 0/-1 when handled, 1 to go on guessing. */
static int
from_declared(const char *file, const unsigned char *data, size_t len, const char *declared,
              struct px_buf *out, enum px_encoding *enc, struct px_diag *dg)
{
    int legacy = declared_legacy(declared);
    if (legacy >= 0)
        return from_candidate(file, data, len, legacy, out, enc, dg);
    struct utext t = {NULL, 0, 0};
    size_t bad = 0;
    int rc = decode_icu(declared, data, len, &t, &bad);
    if (rc == -2) {
        ut_release(&t);
        px_diag_report(dg, PX_WARNING, file, 0, 0, "unknown charset '%s' declared", declared);
        return 1;
    }
    if (rc < 0) {
        ut_release(&t);
        char cause[96];
        snprintf(cause, sizeof cause, "byte 0x%02X not valid in declared charset '%.40s'",
                 data[bad], declared);
        return refuse_at(dg, file, data, bad, cause);
    }
    enum px_encoding e =
        ucnv_compareNames(declared, "windows-1258") == 0 ? PX_ENC_CP1258 : PX_ENC_OTHER;
    return finish_unicode(file, &t, e, declared, out, enc, dg);
}

static int
has_non_ascii(const unsigned char *data, size_t len)
{
    return skip_ascii(data, 0, len) < len;
}

static int
from_utf8(const char *file, const unsigned char *data, size_t len, enum px_encoding e, size_t shift,
          struct px_buf *out, enum px_encoding *enc, struct px_diag *dg)
{
    size_t bad;
    if (px_utf8_validate(data + shift, len - shift, &bad) < 0) {
        char cause[48];
        snprintf(cause, sizeof cause, "invalid UTF-8 byte 0x%02X", data[shift + bad]);
        return refuse_at(dg, file, data + shift, bad, cause); /* BOM not a column */
    }
    px_buf_clear(out);
    px_buf_put(out, data + shift, len - shift);
    *enc = e;
    return 0;
}

int
px_to_utf8(const char *file, const unsigned char *data, size_t len, const char *declared,
           struct px_buf *out, enum px_encoding *enc, struct px_diag *dg)
{
    px_buf_clear(out);
    *enc = PX_ENC_UTF8;
    if (len == 0) {
        px_diag_report(dg, PX_ERROR, file, 0, 0, "empty file");
        return -1;
    }
    if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
        return from_utf8(file, data, len, PX_ENC_UTF8_BOM, 3, out, enc, dg);
    if (len >= 2 && data[0] == 0xFF && data[1] == 0xFE)
        return from_utf16(file, data, len, PX_ENC_UTF16LE, out, enc, dg);
    if (len >= 2 && data[0] == 0xFE && data[1] == 0xFF)
        return from_utf16(file, data, len, PX_ENC_UTF16BE, out, enc, dg);
    const unsigned char *nul = memchr(data, 0, len);
    if (nul)
        return refuse_at(dg, file, data, (size_t)(nul - data), "binary data (NUL byte)");
    size_t bad;
    int valid = px_utf8_validate(data, len, &bad) == 0;
    if (declared && *declared && !is_utf8_name(declared)) {
        if (valid && has_non_ascii(data, len))
            px_diag_report(dg, PX_WARNING, file, 0, 0,
                           "declared charset '%s' ignored: the text is valid UTF-8", declared);
        else if (!valid) {
            int rc = from_declared(file, data, len, declared, out, enc, dg);
            if (rc <= 0)
                return rc;
        }
    }
    if (valid)
        return from_utf8(file, data, len, PX_ENC_UTF8, 0, out, enc, dg);
    int k = detect(data, len, dg);
    if (k < 0) {
        char cause[80];
        snprintf(cause, sizeof cause, "invalid UTF-8 byte 0x%02X (legacy encoding not recognised)",
                 data[bad]);
        return refuse_at(dg, file, data, bad, cause);
    }
    return from_candidate(file, data, len, k, out, enc, dg);
}

const char *
px_encoding_name(enum px_encoding enc)
{
    static const char *const names[] = {
        [PX_ENC_UTF8] = "UTF-8",
        [PX_ENC_UTF8_BOM] = "UTF-8 with BOM",
        [PX_ENC_UTF16LE] = "UTF-16LE",
        [PX_ENC_UTF16BE] = "UTF-16BE",
        [PX_ENC_CP1258] = "windows-1258",
        [PX_ENC_TCVN3] = "TCVN3",
        [PX_ENC_VNI] = "VNI",
        [PX_ENC_OTHER] = "declared charset",
    };
    if ((size_t)enc < sizeof names / sizeof *names && names[enc])
        return names[enc];
    return "unknown";
}

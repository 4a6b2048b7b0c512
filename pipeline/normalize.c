/*
 * normalize — NFC, tone placement, space folding and case folding, with a
 * per-byte offset map back to the input. See normalize.h for the contract.
 *
 * The work happens in UTF-16 (ICU's native form) in scratch buffers owned by
 * the normalizer and reused from call to call, so a run over hundreds of
 * megabytes allocates only when a longer text than before comes by:
 *
 *   decode (UTF-8 -> UTF-16, each unit remembers its input byte)
 *   -> clean (zero-width removed, Ð -> Đ)
 *   -> NFC (quick-check span first; only unstable segments go through ICU)
 *   -> tone placement (oá -> óa, uỷ -> ủy, word-final only, not after q)
 *   -> case fold (PX_NORM_KEY)
 *   -> emit (UTF-8, spaces and newlines collapsed, map filled).
 *
 * Pure ASCII input skips ICU altogether: only the emit step applies. So
 * does text made only of "plain" BMP characters (fast_path: ones clean and
 * NFC leave alone and that fold to one unit, which is nearly all Vietnamese
 * text, and all of it once normalised): it goes from UTF-8 to UTF-8 in one
 * pass, tones placed and case folded from a per-page table that ICU fills
 * on first sight of each page, with the same output and map as the steps
 * above. Any other character sends the text down the full path.
 */
#include "normalize.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <stdlib.h>
#include <string.h>

/* The BMP in pages of 256 units, for the table of the fast path (plain_page). */
enum { PAGE_BITS = 8, PAGE_UNITS = 1 << PAGE_BITS, NPAGES = 0x10000 >> PAGE_BITS };

/*
 * Per BMP unit: is it "plain" (clean keeps it, NFC leaves any run of plain
 * units alone, and case folding makes it exactly one unit), and its case
 * fold. Text made only of plain units needs neither ICU call (fast_path).
 */
struct plain_page {
    UChar fold[PAGE_UNITS];
    unsigned char plain[PAGE_UNITS];
};

struct px_normalizer {
    const UNormalizer2 *nfc; /* owned by ICU, never closed */
    UChar *u, *v;            /* two UTF-16 work buffers, swapped between steps */
    uint32_t *uoff, *voff;   /* input byte offset of each unit of u / v */
    size_t ucap, vcap;       /* capacity in units of u/uoff and v/voff */
    size_t n;                /* units in u */
    uint32_t *map;           /* output byte -> input byte, for the last call */
    size_t mapcap;
    struct px_buf tmp;                /* output of px_normalize_arena / px_normalize_doc */
    struct plain_page *pages[NPAGES]; /* what ICU does to each BMP unit, made on first sight */
};

/* ---- scratch buffers ---------------------------------------------------- */

static void
reserve_units(UChar **buf, uint32_t **off, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    size_t cap2 = *cap ? *cap : 256;
    while (cap2 < need)
        cap2 = cap2 / 2 * 3 + 64;
    *buf = px_xrealloc(*buf, cap2 * sizeof **buf);
    *off = px_xrealloc(*off, cap2 * sizeof **off);
    *cap = cap2;
}

static void
swap_uv(struct px_normalizer *nz, size_t n)
{
    UChar *b = nz->u;
    uint32_t *o = nz->uoff;
    size_t c = nz->ucap;
    nz->u = nz->v, nz->uoff = nz->voff, nz->ucap = nz->vcap;
    nz->v = b, nz->voff = o, nz->vcap = c;
    nz->n = n;
}

struct px_normalizer *
px_normalizer_new(struct px_diag *dg)
{
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
    if (U_FAILURE(err)) {
        px_error(dg, "cannot set up ICU NFC normalizer: %s", u_errorName(err));
        return NULL;
    }
    struct px_normalizer *nz = px_xcalloc(1, sizeof *nz);
    nz->nfc = nfc;
    nz->tmp = (struct px_buf)PX_BUF_INIT;
    return nz;
}

void
px_normalizer_free(struct px_normalizer *nz)
{
    if (!nz)
        return;
    free(nz->u);
    free(nz->v);
    free(nz->uoff);
    free(nz->voff);
    free(nz->map);
    px_buf_release(&nz->tmp);
    for (size_t i = 0; i < NPAGES; i++)
        free(nz->pages[i]);
    free(nz);
}

/* ---- decode ------------------------------------------------------------- */

/* UTF-8 -> UTF-16 in nz->u. The input is meant to be valid; a bad byte
 * becomes U+FFFD so a caller's mistake never reads out of bounds. */
static void
decode(struct px_normalizer *nz, const char *s, size_t len)
{
    reserve_units(&nz->u, &nz->uoff, &nz->ucap, len + 1);
    const uint8_t *p = (const uint8_t *)s;
    size_t n = 0;
    int32_t i = 0, ilen = (int32_t)len;
    while (i < ilen) {
        int32_t start = i;
        UChar32 c;
        U8_NEXT(p, i, ilen, c);
        if (c < 0)
            c = 0xFFFD;
        if (U_IS_BMP(c)) {
            nz->u[n] = (UChar)c;
            nz->uoff[n++] = (uint32_t)start;
        } else {
            nz->u[n] = U16_LEAD(c);
            nz->uoff[n++] = (uint32_t)start;
            nz->u[n] = U16_TRAIL(c);
            nz->uoff[n++] = (uint32_t)start;
        }
    }
    nz->n = n;
}

/* ---- NFC ---------------------------------------------------------------- */

static void
copy_units(struct px_normalizer *nz, size_t *vn, size_t from, size_t count)
{
    memcpy(nz->v + *vn, nz->u + from, count * sizeof *nz->u);
    memcpy(nz->voff + *vn, nz->uoff + from, count * sizeof *nz->uoff);
    *vn += count;
}

/* End of the segment starting at i: up to the next character that has a
 * normalization boundary before it. Segments are independent under NFC. */
static size_t
segment_end(const struct px_normalizer *nz, size_t i)
{
    size_t n = nz->n;
    UChar32 c;
    U16_NEXT(nz->u, i, n, c);
    while (i < n) {
        size_t j = i;
        U16_NEXT(nz->u, j, n, c);
        if (unorm2_hasBoundaryBefore(nz->nfc, c))
            break;
        i = j;
    }
    return i;
}

/* Normalise u[i..j) onto the end of v. When the length is kept the units
 * map one to one; otherwise every result unit cites the segment's start. */
static int
nfc_segment(struct px_normalizer *nz, size_t *vn, size_t i, size_t j, struct px_diag *dg)
{
    size_t room = (j - i) * 4 + 16; /* NFC of a segment grows at most ~3x */
    reserve_units(&nz->v, &nz->voff, &nz->vcap, *vn + room);
    UErrorCode err = U_ZERO_ERROR;
    int32_t got =
        unorm2_normalize(nz->nfc, nz->u + i, (int32_t)(j - i), nz->v + *vn, (int32_t)room, &err);
    if (U_FAILURE(err))
        return px_error(dg, "ICU normalisation failed: %s", u_errorName(err));
    for (int32_t k = 0; k < got; k++)
        nz->voff[*vn + (size_t)k] = (size_t)got == j - i ? nz->uoff[i + (size_t)k] : nz->uoff[i];
    *vn += (size_t)got;
    return 0;
}

static int
to_nfc(struct px_normalizer *nz, struct px_diag *dg)
{
    UErrorCode err = U_ZERO_ERROR;
    size_t n = nz->n;
    size_t i = (size_t)unorm2_spanQuickCheckYes(nz->nfc, nz->u, (int32_t)n, &err);
    if (U_FAILURE(err))
        return px_error(dg, "ICU quick check failed: %s", u_errorName(err));
    if (i == n)
        return 0;
    reserve_units(&nz->v, &nz->voff, &nz->vcap, n + 16);
    size_t vn = 0;
    copy_units(nz, &vn, 0, i);
    while (i < n) {
        size_t j = segment_end(nz, i);
        if (nfc_segment(nz, &vn, i, j, dg) < 0)
            return -1;
        i = j;
        size_t yes = (size_t)unorm2_spanQuickCheckYes(nz->nfc, nz->u + i, (int32_t)(n - i), &err);
        if (U_FAILURE(err))
            return px_error(dg, "ICU quick check failed: %s", u_errorName(err));
        reserve_units(&nz->v, &nz->voff, &nz->vcap, vn + yes + 1);
        copy_units(nz, &vn, i, yes);
        i += yes;
    }
    swap_uv(nz, vn);
    return 0;
}

/* ---- clean: zero-width characters and look-alike letters ----------------- */

/* Characters that carry no text: dropped. */
static const UChar zero_width[] = {0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF};

/* Letters typed for another one: Icelandic eth for the Vietnamese D-stroke. */
static const UChar lookalike[][2] = {{0x00D0, 0x0110}, {0x00F0, 0x0111}};

static int
is_zero_width(UChar c)
{
    for (size_t k = 0; k < sizeof zero_width / sizeof *zero_width; k++)
        if (zero_width[k] == c)
            return 1;
    return 0;
}

static UChar
unlookalike(UChar c)
{
    for (size_t k = 0; k < sizeof lookalike / sizeof *lookalike; k++)
        if (lookalike[k][0] == c)
            return lookalike[k][1];
    return c;
}

static void
clean(struct px_normalizer *nz)
{
    size_t w = 0;
    for (size_t r = 0; r < nz->n; r++) {
        UChar c = nz->u[r];
        if (c < 0x00AD) { /* below every table entry: the common case */
            nz->u[w] = c;
        } else if (is_zero_width(c)) {
            continue;
        } else {
            nz->u[w] = unlookalike(c);
        }
        nz->uoff[w++] = nz->uoff[r];
    }
    nz->n = w;
}

/* ---- tone placement ------------------------------------------------------ */

/*
 * The tone of a word-final "oa", "oe", "uy" goes on the first vowel (the
 * spec's traditional spelling): "hoá" -> "hóa", "thuỷ" -> "thủy". A second
 * vowel carrying tone k (0..4 = sắc, huyền, hỏi, ngã, nặng) moves its tone
 * to the first; letter case stays with each position.
 */
enum { TONES = 5 };

struct toned_row {
    UChar base;        /* plain letter */
    UChar form[TONES]; /* sắc, huyền, hỏi, ngã, nặng */
};

static const struct toned_row second_vowel[] = {
    {'a', {0x00E1, 0x00E0, 0x1EA3, 0x00E3, 0x1EA1}},
    {'A', {0x00C1, 0x00C0, 0x1EA2, 0x00C3, 0x1EA0}},
    {'e', {0x00E9, 0x00E8, 0x1EBB, 0x1EBD, 0x1EB9}},
    {'E', {0x00C9, 0x00C8, 0x1EBA, 0x1EBC, 0x1EB8}},
    {'y', {0x00FD, 0x1EF3, 0x1EF7, 0x1EF9, 0x1EF5}},
    {'Y', {0x00DD, 0x1EF2, 0x1EF6, 0x1EF8, 0x1EF4}},
};

static const struct toned_row first_vowel[] = {
    {'o', {0x00F3, 0x00F2, 0x1ECF, 0x00F5, 0x1ECD}},
    {'O', {0x00D3, 0x00D2, 0x1ECE, 0x00D5, 0x1ECC}},
    {'u', {0x00FA, 0x00F9, 0x1EE7, 0x0169, 0x1EE5}},
    {'U', {0x00DA, 0x00D9, 0x1EE6, 0x0168, 0x1EE4}},
};

/* Which second vowels each first vowel pairs with (lower case). */
static const char pairs[][3] = {{'o', 'a'}, {'o', 'e'}, {'u', 'y'}};

static const struct toned_row *
find_row(const struct toned_row *rows, size_t nrows, UChar base)
{
    for (size_t k = 0; k < nrows; k++)
        if (rows[k].base == base)
            return &rows[k];
    return NULL;
}

/* The row and tone of a toned second vowel, or NULL. */
static const struct toned_row *
toned_second(UChar c, int *tone)
{
    for (size_t k = 0; k < sizeof second_vowel / sizeof *second_vowel; k++)
        for (int t = 0; t < TONES; t++)
            if (second_vowel[k].form[t] == c) {
                *tone = t;
                return &second_vowel[k];
            }
    return NULL;
}

static int
is_pair(UChar first, UChar second)
{
    char f = (char)(first | 0x20), s = (char)(second | 0x20);
    for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++)
        if (pairs[k][0] == f && pairs[k][1] == s)
            return 1;
    return 0;
}

/* A letter in the sense of a regex \w that is neither digit nor '_'. */
static int
is_word_letter(UChar32 c)
{
    if (c < 0x80)
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    int8_t t = u_charType(c);
    return u_isalpha(c) || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER;
}

/* Does the word go on at u[i]? A combining mark that NFC could not attach
 * counts as going on: moving the tone would let it compose next time. */
static int
char_goes_on(UChar32 c)
{
    return is_word_letter(c) || (c >= 0x300 && u_getCombiningClass(c) != 0);
}

static int
word_goes_on(const UChar *u, size_t i, size_t n)
{
    if (i >= n)
        return 0;
    UChar32 c;
    U16_NEXT(u, i, n, c);
    return char_goes_on(c);
}

static void
fix_tones(struct px_normalizer *nz)
{
    UChar *u = nz->u;
    size_t n = nz->n;
    for (size_t i = 0; i + 1 < n; i++) {
        if (u[i + 1] < 0xC0 || ((u[i] | 0x20) != 'o' && (u[i] | 0x20) != 'u'))
            continue; /* fast reject: plain o/u, then a toned vowel */
        const struct toned_row *first =
            find_row(first_vowel, sizeof first_vowel / sizeof *first_vowel, u[i]);
        if (!first || (i > 0 && (u[i - 1] | 0x20) == 'q'))
            continue;
        int tone;
        const struct toned_row *second = toned_second(u[i + 1], &tone);
        if (!second || !is_pair(u[i], second->base) || word_goes_on(u, i + 2, n))
            continue;
        u[i] = first->form[tone];
        u[i + 1] = second->base;
    }
}

/* ---- case folding (PX_NORM_KEY) ----------------------------------------- */

static int
fold_one_by_one(struct px_normalizer *nz, struct px_diag *dg)
{
    size_t vn = 0;
    size_t i = 0, n = nz->n;
    while (i < n) {
        size_t start = i;
        UChar32 c;
        U16_NEXT(nz->u, i, n, c);
        reserve_units(&nz->v, &nz->voff, &nz->vcap, vn + 8);
        UErrorCode err = U_ZERO_ERROR;
        int32_t got = u_strFoldCase(nz->v + vn, 8, nz->u + start, (int32_t)(i - start),
                                    U_FOLD_CASE_DEFAULT, &err);
        if (U_FAILURE(err))
            return px_error(dg, "ICU case folding failed: %s", u_errorName(err));
        for (int32_t k = 0; k < got; k++)
            nz->voff[vn + (size_t)k] = nz->uoff[start];
        vn += (size_t)got;
    }
    swap_uv(nz, vn);
    return 0;
}

/* Whole-string fold first; folding never shortens text, so an unchanged
 * length means every unit folded to exactly one unit and offsets hold. */
static int
fold_case(struct px_normalizer *nz, struct px_diag *dg)
{
    size_t n = nz->n;
    reserve_units(&nz->v, &nz->voff, &nz->vcap, n + 1);
    UErrorCode err = U_ZERO_ERROR;
    int32_t got =
        u_strFoldCase(nz->v, (int32_t)nz->vcap, nz->u, (int32_t)n, U_FOLD_CASE_DEFAULT, &err);
    if (err == U_BUFFER_OVERFLOW_ERROR || (U_SUCCESS(err) && (size_t)got != n))
        return fold_one_by_one(nz, dg);
    if (U_FAILURE(err))
        return px_error(dg, "ICU case folding failed: %s", u_errorName(err));
    memcpy(nz->voff, nz->uoff, n * sizeof *nz->uoff);
    swap_uv(nz, n);
    return 0;
}

/* ---- emit: UTF-8 out, spaces collapsed, map filled ----------------------- */

enum pending { PEND_NONE, PEND_SPACE, PEND_NEWLINE };

struct emitter {
    char *out;
    uint32_t *map;
    size_t len;
    enum pending pend;
    uint32_t pend_off; /* input offset the pending separator cites */
    int oneline;
};

static int
is_space(UChar32 c)
{
    if (c < 0x80)
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
    /* the whole of general category Zs, spelled out: this runs per character */
    return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

static int
is_newline(UChar32 c)
{
    return c == '\n' || c == 0x0085 || c == 0x2028 || c == 0x2029;
}

static void
put_byte(struct emitter *e, char b, uint32_t off)
{
    e->out[e->len] = b;
    e->map[e->len++] = off;
}

static void emit_other(struct emitter *e, UChar32 c, uint32_t off);

/* One character out. Printable ASCII, nearly all of the text, goes straight
 * through; separators and the rest take emit_other. */
static inline void
put_pending(struct emitter *e)
{
    if (e->pend != PEND_NONE && e->len > 0)
        put_byte(e, e->pend == PEND_NEWLINE ? '\n' : ' ', e->pend_off);
    e->pend = PEND_NONE;
}

/* One character out. Printable ASCII, the space and the letters of
 * U+00C0..U+1FFF (no separator among them but U+1680), nearly all of the
 * text, go straight through; the rest take emit_other. */
static inline void
emit(struct emitter *e, UChar32 c, uint32_t off)
{
    if (c > ' ' && c < 0x7F) {
        put_pending(e);
        put_byte(e, (char)c, off);
    } else if (c == ' ') {
        if (e->pend == PEND_NONE)
            e->pend = PEND_SPACE, e->pend_off = off;
    } else if (c >= 0xC0 && c < 0x2000 && c != 0x1680) {
        put_pending(e);
        if (c < 0x800) {
            put_byte(e, (char)(0xC0 | (c >> 6)), off);
        } else {
            put_byte(e, (char)(0xE0 | (c >> 12)), off);
            put_byte(e, (char)(0x80 | ((c >> 6) & 0x3F)), off);
        }
        put_byte(e, (char)(0x80 | (c & 0x3F)), off);
    } else {
        emit_other(e, c, off);
    }
}

static void
emit_other(struct emitter *e, UChar32 c, uint32_t off)
{
    if (is_newline(c) && !e->oneline) {
        if (e->pend != PEND_NEWLINE)
            e->pend = PEND_NEWLINE, e->pend_off = off;
        return;
    }
    if (is_space(c) || is_newline(c)) {
        if (e->pend == PEND_NONE)
            e->pend = PEND_SPACE, e->pend_off = off;
        return;
    }
    if (e->pend != PEND_NONE && e->len > 0)
        put_byte(e, e->pend == PEND_NEWLINE ? '\n' : ' ', e->pend_off);
    e->pend = PEND_NONE;
    if (c < 0x80) {
        put_byte(e, (char)c, off);
        return;
    }
    uint8_t tmp[4];
    int32_t k = 0;
    UBool bad = 0;
    U8_APPEND((uint8_t *)tmp, k, 4, c, bad);
    (void)bad;
    for (int32_t b = 0; b < k; b++)
        put_byte(e, (char)tmp[b], off);
}

/* Room for the output: at most 3 UTF-8 bytes per UTF-16 unit (or per byte). */
static void
start_output(struct px_normalizer *nz, struct px_buf *out, size_t units, unsigned flags,
             struct emitter *e)
{
    px_buf_clear(out);
    px_buf_grow(out, units * 3 + 1);
    if (nz->mapcap < units * 3 + 1) {
        nz->mapcap = units * 3 + 1;
        nz->map = px_xrealloc(nz->map, nz->mapcap * sizeof *nz->map);
    }
    *e = (struct emitter){out->ptr, nz->map, 0, PEND_NONE, 0, (flags & PX_NORM_ONELINE) != 0};
}

static void
finish_output(struct px_buf *out, struct emitter *e, size_t in_len)
{
    out->len = e->len;
    out->ptr[out->len] = '\0';
    e->map[e->len] = (uint32_t)in_len;
}

static void
emit_ascii(struct px_normalizer *nz, const char *s, size_t len, unsigned flags, struct px_buf *out)
{
    struct emitter e;
    start_output(nz, out, len, flags, &e);
    int fold = (flags & PX_NORM_KEY) != 0;
    for (size_t i = 0; i < len; i++) {
        UChar32 c = (unsigned char)s[i];
        if (fold && c >= 'A' && c <= 'Z')
            c |= 0x20;
        emit(&e, c, (uint32_t)i);
    }
    finish_output(out, &e, len);
}

static void
emit_units(struct px_normalizer *nz, size_t in_len, unsigned flags, struct px_buf *out)
{
    struct emitter e;
    start_output(nz, out, nz->n, flags, &e);
    size_t i = 0, n = nz->n;
    while (i < n) {
        uint32_t off = nz->uoff[i];
        UChar32 c;
        U16_NEXT(nz->u, i, n, c);
        if (U_IS_SURROGATE(c))
            c = 0xFFFD;
        emit(&e, c, off);
    }
    finish_output(out, &e, in_len);
}

/* ---- fast path: text the ICU steps leave alone --------------------------- */

/* plain_page.plain: 0 not plain, else one of these. */
enum { PLAIN = 1, PLAIN_TONED = 2 /* also a toned second vowel of fix_tones */ };

static int
unit_is_plain(const UNormalizer2 *nfc, UChar c, UChar *fold)
{
    *fold = c;
    if (U16_IS_SURROGATE(c) || is_zero_width(c) || unlookalike(c) != c)
        return 0;
    /* NFC_QC yes and combining class 0: nothing composes with it and it
     * composes with nothing before it, so a run of such units is NFC. */
    if (u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES ||
        unorm2_getCombiningClass(nfc, c) != 0)
        return 0;
    UChar out[8];
    UErrorCode err = U_ZERO_ERROR;
    int32_t got = u_strFoldCase(out, 8, &c, 1, U_FOLD_CASE_DEFAULT, &err);
    if (U_FAILURE(err) || got != 1 || U16_IS_SURROGATE(out[0]))
        return 0; /* folds to several units: the slow path maps the offsets */
    *fold = out[0];
    int tone;
    return toned_second(c, &tone) ? PLAIN_TONED : PLAIN;
}

static const struct plain_page *
plain_page_of(struct px_normalizer *nz, UChar c)
{
    struct plain_page **pg = &nz->pages[c >> PAGE_BITS];
    if (!*pg) {
        *pg = px_xmalloc(sizeof **pg);
        UChar base = (UChar)(c & ~(PAGE_UNITS - 1));
        for (size_t k = 0; k < PAGE_UNITS; k++)
            (*pg)->plain[k] =
                (unsigned char)unit_is_plain(nz->nfc, (UChar)(base + k), &(*pg)->fold[k]);
    }
    return *pg;
}

/* The emitted form of plain unit c (its fold under PX_NORM_KEY). */
static UChar32
plain_out(const struct plain_page *pg, UChar c, int fold)
{
    return fold ? pg->fold[c & (PAGE_UNITS - 1)] : c;
}

/* The character of s[i..len) (U+FFFD for a bad byte), as decode() reads it. */
static UChar32
char_at(const uint8_t *s, int32_t i, int32_t len)
{
    UChar32 c;
    U8_NEXT(s, i, len, c);
    return c < 0 ? 0xFFFD : c;
}

/*
 * fix_tones at the unit just emitted: the plain o/u before s[at] (one
 * output byte) and the toned vowel c at s[at..next). Re-emits both when the
 * tone moves; 0 when it does not apply, -1 when the moved tone makes a unit
 * the fast path does not know.
 */
static int
fast_tone(struct px_normalizer *nz, struct emitter *e, const uint8_t *s, int32_t at, int32_t next,
          int32_t len, UChar c, int fold)
{
    UChar prev = s[at - 1];
    const struct toned_row *first =
        find_row(first_vowel, sizeof first_vowel / sizeof *first_vowel, prev);
    int tone;
    const struct toned_row *second = toned_second(c, &tone);
    if (!first || !second || (at > 1 && (s[at - 2] | 0x20) == 'q') || !is_pair(prev, second->base))
        return 0;
    if (next < len && char_goes_on(char_at(s, next, len)))
        return 0;
    UChar moved = first->form[tone];
    const struct plain_page *pg = plain_page_of(nz, moved);
    if (pg->plain[moved & (PAGE_UNITS - 1)] == 0)
        return -1;
    e->len--; /* the o/u written before: one byte, nothing pending since */
    emit(e, plain_out(pg, moved, fold), (uint32_t)(at - 1));
    UChar base = second->base;
    emit(e, fold ? base | 0x20 : base, (uint32_t)at);
    return 1;
}

/* The BMP character of the multi-byte sequence at s[*i] (advanced past
 * it), or -1 when it is anything else: bad, overlong, a surrogate or past
 * the BMP (the slow path then takes the text, as decode() reads it). */
static inline UChar32
next_bmp(const uint8_t *s, int32_t *i, int32_t n)
{
    int32_t k = *i;
    uint8_t b0 = s[k];
    if (b0 >= 0xC2 && b0 < 0xE0 && k + 1 < n && (s[k + 1] & 0xC0) == 0x80) {
        *i = k + 2;
        return (UChar32)(b0 & 0x1F) << 6 | (s[k + 1] & 0x3F);
    }
    if (b0 >= 0xE0 && b0 < 0xF0 && k + 2 < n && (s[k + 1] & 0xC0) == 0x80 &&
        (s[k + 2] & 0xC0) == 0x80) {
        UChar32 c =
            (UChar32)(b0 & 0x0F) << 12 | (UChar32)(s[k + 1] & 0x3F) << 6 | (s[k + 2] & 0x3F);
        if (c < 0x800 || U_IS_SURROGATE(c))
            return -1;
        *i = k + 3;
        return c;
    }
    return -1;
}

/*
 * The slow path's result, in one pass over the UTF-8, for text of plain BMP
 * units: clean and NFC would change nothing, tones move as fix_tones moves
 * them (fast_tone) and the fold is the table's, unit for unit (case folding
 * has no context). 0 when done, -1 when the text needs the slow path.
 */
static int
fast_path(struct px_normalizer *nz, const char *str, size_t len, unsigned flags, struct px_buf *out)
{
    const uint8_t *s = (const uint8_t *)str;
    int fold = (flags & PX_NORM_KEY) != 0;
    struct emitter e;
    start_output(nz, out, len, flags, &e);
    int32_t i = 0, n = (int32_t)len;
    while (i < n) {
        int32_t start = i;
        UChar32 c = s[i];
        if (c < 0x80) {
            i++;
            emit(&e, fold && c >= 'A' && c <= 'Z' ? c | 0x20 : c, (uint32_t)start);
            continue;
        }
        c = next_bmp(s, &i, n);
        if (c < 0)
            return -1;
        const struct plain_page *pg = nz->pages[c >> PAGE_BITS];
        if (!pg)
            pg = plain_page_of(nz, (UChar)c);
        unsigned char kind = pg->plain[c & (PAGE_UNITS - 1)];
        if (kind == 0)
            return -1;
        if (kind == PLAIN_TONED && start > 0 && s[start - 1] < 0x80) {
            int moved = fast_tone(nz, &e, s, start, i, n, (UChar)c, fold);
            if (moved < 0)
                return -1;
            if (moved)
                continue;
        }
        emit(&e, plain_out(pg, (UChar)c, fold), (uint32_t)start);
    }
    finish_output(out, &e, len);
    return 0;
}

/* ---- entry points ------------------------------------------------------- */

static int
is_ascii(const char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull)
            return 0;
    }
    for (; i < len; i++)
        if ((unsigned char)s[i] & 0x80)
            return 0;
    return 1;
}

/* Normalise into out; the map of the call is left in nz->map. */
static int
normalize_core(struct px_normalizer *nz, const char *s, size_t len, unsigned flags,
               struct px_buf *out, struct px_diag *dg)
{
    if (is_ascii(s, len)) {
        emit_ascii(nz, s, len, flags, out);
        return 0;
    }
    if (fast_path(nz, s, len, flags, out) == 0)
        return 0;
    decode(nz, s, len);
    clean(nz); /* first: a zero-width character must not block composition */
    if (to_nfc(nz, dg) < 0)
        return -1;
    fix_tones(nz);
    if ((flags & PX_NORM_KEY) && fold_case(nz, dg) < 0)
        return -1;
    emit_units(nz, len, flags, out);
    return 0;
}

int
px_normalize(struct px_normalizer *nz, const char *s, size_t len, unsigned flags,
             struct px_buf *out, uint32_t **map, struct px_diag *dg)
{
    if (map)
        *map = NULL;
    if (normalize_core(nz, s, len, flags, out, dg) < 0) {
        px_buf_clear(out);
        return -1;
    }
    if (map) {
        size_t bytes = (out->len + 1) * sizeof **map;
        *map = px_xmalloc(bytes);
        memcpy(*map, nz->map, bytes);
    }
    return 0;
}

char *
px_normalize_arena(struct px_normalizer *nz, struct px_arena *a, const char *s, size_t len,
                   unsigned flags)
{
    struct px_diag dg;
    px_diag_init(&dg);
    char *r = normalize_core(nz, s, len, flags, &nz->tmp, &dg) < 0
                  ? px_arena_strndup(a, s, len)
                  : px_arena_strndup(a, nz->tmp.ptr, nz->tmp.len);
    px_diag_release(&dg);
    return r;
}

/* ---- the document stage --------------------------------------------------- */

/*
 * Walks the old offset map alongside the new text: new output byte i came
 * from old text offset nz->map[i] (non-decreasing), which the old map sends
 * to the source. Lines advance with the newlines of the verbatim runs.
 */
struct composer {
    const struct px_offmap *old;
    const char *old_text;
    struct px_offmap_point cur; /* old checkpoint in force */
    size_t next;                /* index of the next old checkpoint */
    size_t scan;                /* old text scanned for newlines up to here */
    uint32_t nl;                /* newlines since cur.text */
};

static void
composer_init(struct composer *c, const struct px_offmap *old, const char *old_text, uint64_t base,
              uint32_t base_line)
{
    c->old = old;
    c->old_text = old_text;
    c->cur = old->n ? old->pts[0] : (struct px_offmap_point){0, base, base_line};
    c->next = old->n ? 1 : 0;
    c->scan = c->cur.text;
    c->nl = 0;
}

static uint64_t
composer_src(struct composer *c, size_t old_off, uint32_t *line)
{
    while (c->next < c->old->n && c->old->pts[c->next].text <= old_off) {
        c->cur = c->old->pts[c->next++];
        c->scan = c->cur.text;
        c->nl = 0;
    }
    if (old_off < c->cur.text) { /* before the first checkpoint */
        *line = c->cur.line;
        return c->cur.src;
    }
    for (; c->scan < old_off; c->scan++)
        if (c->old_text[c->scan] == '\n')
            c->nl++;
    *line = c->cur.line + c->nl;
    return c->cur.src + (old_off - c->cur.text);
}

static void
compose_map(struct px_doc *doc, struct px_normalizer *nz, size_t new_len, const char *old_text,
            struct px_offmap *map, uint64_t base, uint32_t base_line)
{
    struct px_offmap old = *map;
    struct px_offmap fresh = {NULL, 0, 0};
    struct composer c;
    composer_init(&c, &old, old_text, base, base_line);
    uint64_t prev_src = 0;
    uint32_t prev_line = 0;
    for (size_t i = 0; i < new_len; i++) {
        uint32_t line;
        uint64_t src = composer_src(&c, nz->map[i], &line);
        if (i == 0 || src != prev_src + 1 || line != prev_line)
            px_offmap_add(doc, &fresh, i, src, line);
        prev_src = src;
        prev_line = line;
    }
    *map = fresh;
}

/* Normalise one arena string in place; with a map, compose it. */
static int
normalize_field(struct px_normalizer *nz, struct px_doc *doc, char **text, struct px_offmap *map,
                uint64_t base, uint32_t base_line, struct px_diag *dg)
{
    if (!*text)
        return 0;
    const char *old = *text;
    if (normalize_core(nz, old, strlen(old), PX_NORM_TEXT, &nz->tmp, dg) < 0)
        return -1;
    if (map)
        compose_map(doc, nz, nz->tmp.len, old, map, base, base_line);
    *text = px_arena_strndup(&doc->arena, nz->tmp.ptr, nz->tmp.len);
    return 0;
}

static int
normalize_table(struct px_normalizer *nz, struct px_doc *doc, struct px_table *t,
                struct px_diag *dg)
{
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t k = 0; k < t->rows[r].ncells; k++) {
            struct px_cell *cell = &t->rows[r].cells[k];
            if (normalize_field(nz, doc, &cell->text, &cell->map, cell->span.byte, cell->span.line,
                                dg) < 0)
                return -1;
        }
    return 0;
}

int
px_normalize_doc(struct px_normalizer *nz, struct px_doc *doc, struct px_diag *dg)
{
    for (size_t i = 0; i < doc->nblocks; i++) {
        struct px_block *b = &doc->blocks[i];
        if (normalize_field(nz, doc, &b->text, &b->map, b->span.byte, b->span.line, dg) < 0 ||
            normalize_field(nz, doc, &b->number, NULL, 0, 0, dg) < 0)
            return -1;
        if (b->table && normalize_table(nz, doc, b->table, dg) < 0)
            return -1;
    }
    return 0;
}

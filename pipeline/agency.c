/*
 * agency — split agency cells and headings into canonical names.
 *
 * How a text is read:
 *   1. abbreviations are expanded as written (UBND -> Ủy ban nhân dân), so
 *      names kept as written come out expanded too;
 *   2. the text becomes tokens (words, punctuation, line breaks), each with a
 *      key: case-folded, tone placement made traditional (hoá -> hóa);
 *   3. names are read left to right: the longest alias of the table that
 *      ends at a boundary wins; otherwise a name runs to the next separator
 *      that is followed by the start of another agency.
 * Aliases are compared without commas ("Các sở, ban ngành" = "Các sở, ban,
 * ngành"), and their word "tỉnh" also matches "tỉnh <Province>", a bare
 * province name or "thành phố <City>" - and, in the plan of a centrally-run
 * city, the city-level words of agency-words.tsv ("thành phố") alone.
 */
#include "agency.h"

#include "sha256.h"

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum tok_kind { TK_WORD, TK_PUNCT, TK_NL };

struct tok {
    size_t off, len; /* in the expanded text */
    const char *key; /* folded word, or the punctuation character ('-' for dashes) */
    long kid;        /* key id (struct keys) when a table uses the key, else -1 */
    enum tok_kind kind;
    int upper; /* the word starts with a capital letter */
};

struct toks {
    struct tok *v;
    size_t n, cap;
};

/* A phrase to match: keys of its words and punctuation (commas dropped). */
struct phrase {
    const char **key;
    size_t n;
};

enum agency_kind { AK_BODY, AK_PERSON, AK_GROUP };

struct alias {
    struct phrase ph;
    size_t entry;
};

struct entry {
    const char *canonical;
    enum agency_kind kind;
};

struct abbr {
    const char *shortf;
    size_t slen;
    const char *longf;
};

struct province {
    struct phrase ph;
    size_t std; /* index of the standard name */
};

enum wordlist {
    WL_HEAD,
    WL_PLURAL,
    WL_OFFICE,
    WL_ROLE,
    WL_PARTNER,
    WL_LEAD,
    WL_PREP,
    WL_CITY_LEVEL,
    WL_JOINT,
    WL_PLACE_KEEP,
    WL_NAME_WORD,
    WL_COUNT
};

static const char *const wordlist_names[WL_COUNT] = {
    "head", "plural",     "office", "role",       "partner",   "lead",
    "prep", "city-level", "joint",  "place-keep", "name-word",
};

/*
 * Every key a table phrase uses, once (open addressing on the key text).
 * Phrase keys and the keys of tokens read later point to these strings, so
 * two keys are equal exactly when their pointers are.
 */
struct keys {
    const char **v; /* by id */
    size_t n, vcap;
    uint32_t *slot; /* id + 1, or 0 */
    size_t nslots;  /* a power of two, at least twice n */
};

/*
 * The phrases of one table by first key: a phrase can only match at a token
 * whose key is its first key, except a phrase opening with "tỉnh" (which
 * also matches a province name, "thành phố …" or a city-level word) and an
 * empty one: those are tried at every token. Lists hold phrase indices in
 * table order, so the first longest match stays the one the table order
 * picks.
 */
struct first_index {
    uint32_t *start; /* per key id: its phrases are at[start[id] .. start[id + 1]) */
    uint32_t *at;
    uint32_t *any; /* phrases tried at every token */
    size_t nany;
};

struct phrases {
    struct phrase *v;
    size_t n;
    struct first_index ix;
};

struct px_agencies {
    struct px_arena arena; /* every table string and phrase */
    struct entry *entries;
    size_t nentries;
    struct alias *aliases;
    size_t naliases;
    struct abbr *abbrs;
    size_t nabbrs;
    struct phrases words[WL_COUNT];
    const char **std_names;  /* provinces' standard names */
    unsigned char *std_city; /* per standard name: a centrally-run city (kind thanh_pho) */
    size_t nstd;
    struct province *provinces;
    size_t nprovinces;
    struct keys keys;
    const char *k_tinh; /* the interned key "tỉnh", or NULL */
    struct first_index alias_ix, province_ix;
    uint32_t abbr_at[257]; /* abbreviations by first byte: abbr_ix[abbr_at[c] .. abbr_at[c + 1]) */
    uint32_t *abbr_ix;     /* NULL while loading */
    struct reading_memo *memo; /* texts read so far (reader_init); changes while ag is const */
    struct px_buf read;        /* the tables as read, until px_agencies_new hashes them */
    char digest[PX_SHA256_HEX_LEN + 1];
};

static struct reading_memo *memo_new(void);
static void memo_free(struct reading_memo *m);

/* ------------------------------------------------------------------ keys */

/* Word-final vowel pairs written with the modern tone placement, and their traditional form. */
static const char *const tone_fix[][2] = {
    {"oà", "òa"}, {"oá", "óa"}, {"oả", "ỏa"}, {"oã", "õa"}, {"oạ", "ọa"},
    {"oè", "òe"}, {"oé", "óe"}, {"oẻ", "ỏe"}, {"oẽ", "õe"}, {"oẹ", "ọe"},
    {"uỳ", "ùy"}, {"uý", "úy"}, {"uỷ", "ủy"}, {"uỹ", "ũy"}, {"uỵ", "ụy"},
};

/*
 * Vietnamese letters outside ASCII, upper case with their lower case, for the
 * fold fast path: the precomposed letters of the Latin-1 Supplement and
 * Latin Extended-A/B (U+1EA0..U+1EF9, where upper and lower case alternate,
 * are computed). Each folds to its lower case with ICU's default case
 * folding too; anything else goes to ICU.
 */
static const uint16_t vn_case[][2] = {
    {0x00C0, 0x00E0}, {0x00C1, 0x00E1}, {0x00C2, 0x00E2}, {0x00C3, 0x00E3}, {0x00C8, 0x00E8},
    {0x00C9, 0x00E9}, {0x00CA, 0x00EA}, {0x00CC, 0x00EC}, {0x00CD, 0x00ED}, {0x00D2, 0x00F2},
    {0x00D3, 0x00F3}, {0x00D4, 0x00F4}, {0x00D5, 0x00F5}, {0x00D9, 0x00F9}, {0x00DA, 0x00FA},
    {0x00DD, 0x00FD}, {0x0102, 0x0103}, {0x0110, 0x0111}, {0x0128, 0x0129}, {0x0168, 0x0169},
    {0x01A0, 0x01A1}, {0x01AF, 0x01B0},
};

/* vn_case starts with its pairs in U+00C0..U+00FF. */
enum { LATIN1_PAIRS = 16 };

/* Bit (c - 0xC0) set for each upper-case letter c of the Latin-1 pairs of vn_case. */
static uint32_t
latin1_upper_mask(void)
{
    uint32_t m = 0;
    for (size_t i = 0; i < LATIN1_PAIRS; i++)
        m |= UINT32_C(1) << (vn_case[i][0] - 0xC0);
    return m;
}

/* The combining marks Vietnamese text written decomposed uses; they fold to themselves. */
static int
is_vn_mark(uint32_t c)
{
    return c == 0x0300 || c == 0x0301 || c == 0x0302 || c == 0x0303 || c == 0x0306 || c == 0x0309 ||
           c == 0x031B || c == 0x0323;
}

/* The case folding of c when the fast path knows it (ASCII, Vietnamese letters and marks), else 0.
 */
static uint32_t
vn_fold(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
    if (c >= 0x1EA0 && c <= 0x1EF9)
        return c | 1;
    if (is_vn_mark(c))
        return c;
    if (c >= 0xC0 && c <= 0xFF) {
        /* Latin-1: the pairs of vn_case are c and c + 0x20, a bit each */
        uint32_t up = c & ~UINT32_C(0x20);
        return up <= 0xDD && (latin1_upper_mask() >> (up - 0xC0) & 1) ? up + 0x20 : 0;
    }
    for (size_t i = LATIN1_PAIRS; i < sizeof vn_case / sizeof vn_case[0]; i++)
        if (c == vn_case[i][0] || c == vn_case[i][1])
            return vn_case[i][1];
    return 0;
}

/*
 * Fold s[0..len) into out without ICU: 1 when every character is one
 * vn_fold knows, else 0 (out then holds junk). Like the ICU path, a word
 * of 128 characters or more is left to the caller (copied verbatim).
 */
static int
fold_fast(const char *s, size_t len, struct px_buf *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, nchars = 0;

    px_buf_grow(out, len + 1);
    while (i < len) {
        uint32_t c, f;
        size_t n;
        if (u[i] < 0x80) {
            c = u[i];
            n = 1;
        } else if (u[i] >= 0xC2 && u[i] <= 0xDF && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
            c = (uint32_t)(u[i] & 0x1F) << 6 | (u[i + 1] & 0x3F);
            n = 2;
        } else if (u[i] == 0xE1 && i + 2 < len && (u[i + 1] & 0xC0) == 0x80 &&
                   (u[i + 2] & 0xC0) == 0x80) {
            c = 0x1000 | (uint32_t)(u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F);
            n = 3;
        } else {
            return 0;
        }
        if (++nchars >= 128 || (f = vn_fold(c)) == 0)
            return 0;
        /* every letter vn_fold maps shares its case partner's UTF-8 length */
        if (n == 1) {
            out->ptr[i] = (char)f;
        } else if (n == 2) {
            out->ptr[i] = (char)(0xC0 | f >> 6);
            out->ptr[i + 1] = (char)(0x80 | (f & 0x3F));
        } else {
            out->ptr[i] = (char)0xE1;
            out->ptr[i + 1] = (char)(0x80 | ((f >> 6) & 0x3F));
            out->ptr[i + 2] = (char)(0x80 | (f & 0x3F));
        }
        i += n;
    }
    out->len = len;
    out->ptr[len] = '\0';
    return 1;
}

/* Case-fold a word (ICU's default folding); bytes are copied unchanged if ICU refuses them. */
static void
fold_word(const char *s, size_t len, struct px_buf *out)
{
    UChar small[128], folded[128];
    UErrorCode err = U_ZERO_ERROR;
    int32_t ulen = 0, flen, blen = 0;

    px_buf_clear(out);
    if (fold_fast(s, len, out))
        return;
    px_buf_clear(out);
    u_strFromUTF8(small, 128, &ulen, s, (int32_t)len, &err);
    if (U_FAILURE(err) || ulen >= 128)
        goto verbatim;
    flen = u_strFoldCase(folded, 128, small, ulen, U_FOLD_CASE_DEFAULT, &err);
    if (U_FAILURE(err) || flen >= 128)
        goto verbatim;
    px_buf_grow(out, (size_t)flen * 3 + 1);
    u_strToUTF8(out->ptr, (int32_t)out->cap, &blen, folded, flen, &err);
    if (U_FAILURE(err))
        goto verbatim;
    out->len = (size_t)blen;
    out->ptr[out->len] = '\0';
    return;
verbatim:
    px_buf_clear(out);
    px_buf_put(out, s, len);
}

/* The match key of one word into b: folded, traditional tone placement at the word's end. */
static void
word_key(const char *s, size_t len, struct px_buf *b)
{
    fold_word(s, len, b);
    if (b->len < 3 || (unsigned char)b->ptr[b->len - 1] < 0x80)
        return;               /* every pair of tone_fix ends in a toned vowel, 2 or 3 bytes */
    size_t last = b->len - 1; /* start of the last character */
    while (last > 0 && ((unsigned char)b->ptr[last] & 0xC0) == 0x80)
        last--;
    if (last == 0 || (b->ptr[last - 1] != 'o' && b->ptr[last - 1] != 'u'))
        return; /* and every one opens with "o" or "u" */
    for (size_t i = 0; i < sizeof tone_fix / sizeof tone_fix[0]; i++) {
        size_t fl = strlen(tone_fix[i][0]);
        if (b->len < fl || memcmp(b->ptr + b->len - fl, tone_fix[i][0], fl) != 0)
            continue;
        if (tone_fix[i][0][0] == 'u' && b->len > fl && b->ptr[b->len - fl - 1] == 'q')
            break; /* "quý" keeps its tone on the y */
        px_buf_truncate(b, b->len - fl);
        px_buf_puts(b, tone_fix[i][1]);
        break;
    }
}

/* ---------------------------------------------------------- interned keys */

/* The id of key s[0..len), or -1. */
static long
keys_find(const struct keys *ks, const char *s, size_t len)
{
    size_t mask = ks->nslots - 1;

    if (!ks->nslots)
        return -1;
    for (size_t i = px_hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
        uint32_t id = ks->slot[i];
        const char *k;
        if (!id)
            return -1;
        k = ks->v[id - 1];
        if (strncmp(k, s, len) == 0 && k[len] == '\0')
            return (long)id - 1;
    }
}

static void
keys_put_slot(struct keys *ks, uint32_t id)
{
    const char *k = ks->v[id - 1];
    size_t mask = ks->nslots - 1, i = px_hash_bytes(k, strlen(k)) & mask;
    while (ks->slot[i])
        i = (i + 1) & mask;
    ks->slot[i] = id;
}

/* The id of key s[0..len), added (an arena copy) when new. */
static long
keys_add(struct keys *ks, struct px_arena *a, const char *s, size_t len)
{
    long id = keys_find(ks, s, len);

    if (id >= 0)
        return id;
    if (2 * (ks->n + 1) > ks->nslots) {
        free(ks->slot);
        ks->nslots = ks->nslots ? ks->nslots * 2 : 256;
        ks->slot = px_xcalloc(ks->nslots, sizeof *ks->slot);
        for (size_t k = 0; k < ks->n; k++)
            keys_put_slot(ks, (uint32_t)k + 1);
    }
    if (ks->n == ks->vcap) {
        ks->vcap = ks->vcap ? ks->vcap * 2 : 256;
        ks->v = px_xrealloc(ks->v, ks->vcap * sizeof *ks->v);
    }
    ks->v[ks->n++] = px_arena_strndup(a, s, len);
    keys_put_slot(ks, (uint32_t)ks->n);
    return (long)ks->n - 1;
}

/*
 * Where token keys come from. While the tables load, every key is added
 * (add); while a text is read, a key the tables use is the interned string
 * and any other key is a copy in the reader's arena (kid -1). A key given
 * as a string literal (lit) needs no copy.
 */
struct keysrc {
    struct keys *add;
    const struct keys *ks;
};

static const char *
key_for(const struct keysrc *src, struct px_arena *a, const char *k, size_t len, int lit, long *kid)
{
    if (src->add) {
        *kid = keys_add(src->add, a, k, len);
        return src->add->v[*kid];
    }
    *kid = keys_find(src->ks, k, len);
    if (*kid >= 0)
        return src->ks->v[*kid];
    return lit ? k : px_arena_strndup(a, k, len);
}

/* ------------------------------------------------------------- tokens */

static int
is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of a UTF-8 punctuation sequence at s (general punctuation U+2000..U+206F), else 0. */
static size_t
unicode_punct_len(const char *s, size_t left)
{
    const unsigned char *u = (const unsigned char *)s;
    if (left >= 3 && u[0] == 0xE2 && (u[1] == 0x80 || u[1] == 0x81))
        return 3;
    return 0;
}

/* Room for cap tokens, the ones so far kept; every slot is written before it is read. */
static void
toks_reserve(struct toks *t, struct px_arena *a, size_t cap)
{
    if (cap <= t->cap)
        return;
    struct tok *v = px_arena_alloc(a, cap * sizeof *v);
    if (t->n)
        memcpy(v, t->v, t->n * sizeof *v);
    t->v = v;
    t->cap = cap;
}

static void
push_tok(struct toks *t, struct px_arena *a, struct tok tk)
{
    if (t->n == t->cap)
        toks_reserve(t, a, t->cap ? t->cap * 2 : 32);
    t->v[t->n++] = tk;
}

static int
starts_upper(const char *s, size_t len)
{
    int32_t i = 0;
    UChar32 c;
    if ((unsigned char)s[0] < 0x80)
        return s[0] >= 'A' && s[0] <= 'Z';
    U8_NEXT(s, i, (int32_t)len, c);
    return c > 0 && u_isupper(c);
}

/* End of the word starting at s[i]: its bytes run on up to punctuation, a
 * separator, or a hyphen not between two word bytes. */
static size_t
word_end(const char *s, size_t len, size_t i)
{
    size_t j = i;
    for (; j < len; j++) {
        unsigned char c = (unsigned char)s[j];
        if (c >= 0x80) {
            if (unicode_punct_len(s + j, len - j))
                break;
        } else if (!is_word_byte(c) &&
                   !(c == '-' && j > i && j + 1 < len && is_word_byte((unsigned char)s[j + 1]))) {
            break;
        }
    }
    return j;
}

/*
 * Split s into tokens. A hyphen between two word characters stays inside
 * the word ("I-Office"); spaced hyphens and dashes are '-' tokens.
 */
static void
tokenize(struct px_arena *a, const struct keysrc *src, const char *s, size_t len, struct toks *out)
{
    struct px_buf key = PX_BUF_INIT;
    size_t i = 0;

    out->n = 0;
    toks_reserve(out, a, len / 4 + 16); /* a token takes about five bytes of text */
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t ul = unicode_punct_len(s + i, len - i);
        struct tok tk = {i, 1, NULL, -1, TK_PUNCT, 0};

        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        if (c == '\n') {
            tk.kind = TK_NL;
            tk.key = key_for(src, a, "\n", 1, 1, &tk.kid);
        } else if (ul) {
            tk.len = ul;
            tk.key = ((unsigned char)s[i + 2] >= 0x90 && (unsigned char)s[i + 2] <= 0x95)
                         ? key_for(src, a, "-", 1, 1, &tk.kid)
                         : key_for(src, a, "\"", 1, 1, &tk.kid);
        } else if (is_word_byte(c)) {
            tk.len = word_end(s, len, i) - i;
            tk.kind = TK_WORD;
            word_key(s + i, tk.len, &key);
            tk.key = key_for(src, a, key.ptr, key.len, 0, &tk.kid);
            tk.upper = starts_upper(s + i, tk.len);
        } else {
            tk.key = key_for(src, a, s + i, 1, 0, &tk.kid);
        }
        push_tok(out, a, tk);
        i += tk.len;
    }
    px_buf_release(&key);
}

static int
tok_is(const struct tok *t, const char *key)
{
    return strcmp(t->key, key) == 0;
}

/* ------------------------------------------------------ abbreviations */

/* The longest abbreviation whose short form is a whole word at s[i..len), or NULL. */
static const struct abbr *
abbr_at(const struct px_agencies *ag, const char *s, size_t len, size_t i)
{
    const struct abbr *best = NULL;
    if (i > 0 && is_word_byte((unsigned char)s[i - 1]))
        return NULL;
    /* the abbreviations that start with this byte (all of them while loading) */
    unsigned char c = (unsigned char)s[i];
    size_t from = ag->abbr_ix ? ag->abbr_at[c] : 0;
    size_t to = ag->abbr_ix ? ag->abbr_at[c + 1] : ag->nabbrs;
    for (size_t q = from; q < to; q++) {
        const struct abbr *ab = &ag->abbrs[ag->abbr_ix ? ag->abbr_ix[q] : q];
        if (ab->slen > len - i || memcmp(s + i, ab->shortf, ab->slen) != 0)
            continue;
        if (i + ab->slen < len && is_word_byte((unsigned char)s[i + ab->slen]))
            continue;
        if (!best || ab->slen > best->slen)
            best = ab;
    }
    return best;
}

/* Can an abbreviation start at s[i]? (a quick no for most bytes) */
static int
may_start_abbr(const struct px_agencies *ag, const char *s, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (ag->abbr_ix && ag->abbr_at[c] == ag->abbr_at[c + 1])
        return 0; /* no abbreviation starts with this byte */
    return i == 0 || !is_word_byte((unsigned char)s[i - 1]);
}

/* Room in the map for entries up to index end (and the one past it). */
static void
map_reserve(size_t **map, size_t *cap, size_t end)
{
    if (end + 1 > *cap) {
        *cap = (end + 1) * 2;
        *map = px_xrealloc(*map, *cap * sizeof **map);
    }
}

/*
 * Copy text with every whole-word abbreviation expanded (longest first).
 * When map is not NULL it receives, for every output byte and one past the
 * end, the input offset it came from (heap, caller frees). The bytes where
 * no abbreviation can start are copied a run at a time.
 */
static void
expand_abbrs(const struct px_agencies *ag, const char *s, size_t len, struct px_buf *out,
             size_t **map)
{
    size_t i = 0, cap = len + 1;

    px_buf_clear(out);
    if (map)
        *map = px_xmalloc(cap * sizeof **map);
    while (i < len) {
        size_t run = i;
        while (run < len && !may_start_abbr(ag, s, run))
            run++;
        if (run > i) {
            size_t from = out->len;
            px_buf_put(out, s + i, run - i);
            if (map) {
                map_reserve(map, &cap, out->len);
                for (size_t k = 0; k < run - i; k++)
                    (*map)[from + k] = i + k;
            }
            i = run;
            continue;
        }
        const struct abbr *best = abbr_at(ag, s, len, i);
        size_t from = out->len;
        if (best)
            px_buf_puts(out, best->longf);
        else
            px_buf_putc(out, s[i]);
        if (map) {
            map_reserve(map, &cap, out->len);
            for (size_t k = from; k < out->len; k++)
                (*map)[k] = i;
        }
        i += best ? best->slen : 1;
    }
    if (map)
        (*map)[out->len] = len;
}

/* -------------------------------------------------------------- loading */

static void
make_phrase(struct px_agencies *ag, const char *s, size_t len, struct phrase *ph)
{
    struct px_buf ex = PX_BUF_INIT;
    struct toks t = {0};
    struct keysrc src = {&ag->keys, NULL};
    size_t n = 0;

    expand_abbrs(ag, s, len, &ex, NULL);
    tokenize(&ag->arena, &src, ex.ptr, ex.len, &t);
    ph->key = px_arena_calloc(&ag->arena, t.n ? t.n : 1, sizeof *ph->key);
    for (size_t i = 0; i < t.n; i++)
        if (!tok_is(&t.v[i], ","))
            ph->key[n++] = t.v[i].key;
    ph->n = n;
    px_buf_release(&ex);
}

static char *
trimmed(struct px_arena *a, const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    return px_arena_strndup(a, s, len);
}

/* Split a line at tabs into at most max fields (arena copies, trimmed). */
static size_t
split_fields(struct px_arena *a, const char *line, char **f, size_t max)
{
    size_t n = 0;
    const char *p = line;

    while (n < max) {
        const char *tab = strchr(p, '\t');
        size_t l = tab ? (size_t)(tab - p) : strlen(p);
        f[n++] = trimmed(a, p, l);
        if (!tab)
            break;
        p = tab + 1;
    }
    return n;
}

typedef void (*line_fn)(struct px_agencies *ag, char **f, size_t nf, const char *file, long line,
                        struct px_diag *dg);

/* Read a TSV file line by line; '#' lines and blank lines are skipped. */
static int
read_tsv(struct px_agencies *ag, const char *dir, const char *name, line_fn fn, struct px_diag *dg)
{
    struct px_buf path = PX_BUF_INIT, data = PX_BUF_INIT;
    long lineno = 0;
    char *p;

    px_buf_printf(&path, "%s/%s", dir, name);
    if (px_read_file(path.ptr, &data) != 0) {
        px_diag_report(dg, PX_ERROR, path.ptr, 0, 0, "cannot read agency table '%s'", name);
        px_buf_release(&path);
        return -1;
    }
    /* the name, the length and the bytes, before the loop below cuts the lines: what
     * decides the tables (px_agencies_digest) */
    px_buf_printf(&ag->read, "%s:%zu:", name, data.len);
    px_buf_put(&ag->read, data.ptr, data.len);
    p = data.ptr;
    while (*p) {
        char *nl = strchr(p, '\n');
        char *f[4];
        size_t nf;

        if (nl)
            *nl = '\0';
        lineno++;
        if (*p && *p != '#') {
            nf = split_fields(&ag->arena, p, f, 4);
            if (nf && *f[0])
                fn(ag, f, nf, path.ptr, lineno, dg);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    px_buf_release(&data);
    px_buf_release(&path);
    return 0;
}

static void
add_alias(struct px_agencies *ag, const char *s, size_t len, size_t entry)
{
    struct alias al;

    make_phrase(ag, s, len, &al.ph);
    if (al.ph.n == 0)
        return;
    al.entry = entry;
    ag->aliases = px_xrealloc(ag->aliases, (ag->naliases + 1) * sizeof *ag->aliases);
    ag->aliases[ag->naliases++] = al;
}

/* Give each name of a '|'-separated list (empty ones too) to add, with idx. */
static void
add_each(struct px_agencies *ag, const char *list, size_t idx,
         void (*add)(struct px_agencies *, const char *, size_t, size_t))
{
    for (const char *p = list; *p;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        add(ag, p, l, idx);
        p += l + (bar != NULL);
    }
}

static void
add_entry_line(struct px_agencies *ag, char **f, size_t nf, const char *file, long line,
               struct px_diag *dg)
{
    struct entry e;

    if (line == 1 && strcmp(f[0], "canonical") == 0)
        return; /* the header */
    if (nf < 2) {
        px_diag_report(dg, PX_WARNING, file, line, 0, "agency line without a kind: '%s'", f[0]);
        return;
    }
    e.canonical = f[0];
    e.kind = strcmp(f[1], "person") == 0  ? AK_PERSON
             : strcmp(f[1], "group") == 0 ? AK_GROUP
                                          : AK_BODY;
    ag->entries = px_xrealloc(ag->entries, (ag->nentries + 1) * sizeof *ag->entries);
    ag->entries[ag->nentries++] = e;
    add_alias(ag, e.canonical, strlen(e.canonical), ag->nentries - 1);
    add_each(ag, nf > 2 ? f[2] : "", ag->nentries - 1, add_alias);
}

static void
add_word_line(struct px_agencies *ag, char **f, size_t nf, const char *file, long line,
              struct px_diag *dg)
{
    if (strcmp(f[0], "abbr") == 0) {
        if (nf < 3 || !*f[1] || !*f[2]) {
            px_diag_report(dg, PX_WARNING, file, line, 0, "abbreviation without expansion");
            return;
        }
        ag->abbrs = px_xrealloc(ag->abbrs, (ag->nabbrs + 1) * sizeof *ag->abbrs);
        ag->abbrs[ag->nabbrs++] = (struct abbr){f[1], strlen(f[1]), f[2]};
        return;
    }
    for (int w = 0; w < WL_COUNT; w++) {
        struct phrases *ps = &ag->words[w];
        if (strcmp(f[0], wordlist_names[w]) != 0)
            continue;
        if (nf < 2 || !*f[1])
            break;
        ps->v = px_xrealloc(ps->v, (ps->n + 1) * sizeof *ps->v);
        make_phrase(ag, f[1], strlen(f[1]), &ps->v[ps->n++]);
        return;
    }
    px_diag_report(dg, PX_WARNING, file, line, 0, "unknown word list '%s'", f[0]);
}

static void
add_province_alias(struct px_agencies *ag, const char *s, size_t len, size_t std)
{
    struct province pv;

    make_phrase(ag, s, len, &pv.ph);
    if (pv.ph.n == 0)
        return;
    pv.std = std;
    ag->provinces = px_xrealloc(ag->provinces, (ag->nprovinces + 1) * sizeof *ag->provinces);
    ag->provinces[ag->nprovinces++] = pv;
}

static void
add_province_line(struct px_agencies *ag, char **f, size_t nf, const char *file, long line,
                  struct px_diag *dg)
{
    (void)file, (void)line, (void)dg;
    ag->std_names = px_xrealloc(ag->std_names, (ag->nstd + 1) * sizeof *ag->std_names);
    ag->std_city = px_xrealloc(ag->std_city, (ag->nstd + 1) * sizeof *ag->std_city);
    ag->std_city[ag->nstd] = nf > 1 && strcmp(f[1], "thanh_pho") == 0;
    ag->std_names[ag->nstd++] = f[0];
    add_province_alias(ag, f[0], strlen(f[0]), ag->nstd - 1);
    add_each(ag, nf > 3 ? f[3] : "", ag->nstd - 1, add_province_alias);
}

/* The abbreviations by their first byte, in table order. */
static void
index_abbrs(struct px_agencies *ag)
{
    uint32_t fill[256] = {0};

    memset(ag->abbr_at, 0, sizeof ag->abbr_at);
    for (size_t k = 0; k < ag->nabbrs; k++)
        ag->abbr_at[(unsigned char)ag->abbrs[k].shortf[0] + 1]++;
    for (int c = 0; c < 256; c++)
        ag->abbr_at[c + 1] += ag->abbr_at[c];
    ag->abbr_ix = px_xcalloc(ag->nabbrs + 1, sizeof *ag->abbr_ix);
    for (size_t k = 0; k < ag->nabbrs; k++) {
        unsigned char c = (unsigned char)ag->abbrs[k].shortf[0];
        ag->abbr_ix[ag->abbr_at[c] + fill[c]++] = (uint32_t)k;
    }
}

/* Phrase j of a table whose elements start with their phrase, stride bytes apart. */
static const struct phrase *
nth_phrase(const void *base, size_t stride, size_t j)
{
    return (const struct phrase *)(const void *)((const char *)base + j * stride);
}

static int
tried_everywhere(const struct px_agencies *ag, const struct phrase *ph)
{
    return ph->n == 0 || (ag->k_tinh && ph->key[0] == ag->k_tinh);
}

/* Index the n phrases of a table by first key (struct first_index). */
static void
index_phrases(const struct px_agencies *ag, struct first_index *ix, const void *base, size_t n,
              size_t stride)
{
    size_t nk = ag->keys.n;
    uint32_t *fill = px_xcalloc(nk + 1, sizeof *fill);

    ix->start = px_xcalloc(nk + 1, sizeof *ix->start);
    ix->at = px_xcalloc(n + 1, sizeof *ix->at);
    ix->any = px_xcalloc(n + 1, sizeof *ix->any);
    ix->nany = 0;
    for (size_t j = 0; j < n; j++) {
        const struct phrase *ph = nth_phrase(base, stride, j);
        if (tried_everywhere(ag, ph))
            ix->any[ix->nany++] = (uint32_t)j;
        else
            ix->start[keys_find(&ag->keys, ph->key[0], strlen(ph->key[0])) + 1]++;
    }
    for (size_t k = 0; k < nk; k++)
        ix->start[k + 1] += ix->start[k];
    for (size_t j = 0; j < n; j++) {
        const struct phrase *ph = nth_phrase(base, stride, j);
        if (!tried_everywhere(ag, ph)) {
            long id = keys_find(&ag->keys, ph->key[0], strlen(ph->key[0]));
            ix->at[ix->start[id] + fill[id]++] = (uint32_t)j;
        }
    }
    free(fill);
}

static void
index_release(struct first_index *ix)
{
    free(ix->start);
    free(ix->at);
    free(ix->any);
}

static void
index_tables(struct px_agencies *ag)
{
    long tinh = keys_find(&ag->keys, "tỉnh", strlen("tỉnh"));

    ag->k_tinh = tinh >= 0 ? ag->keys.v[tinh] : NULL;
    for (int w = 0; w < WL_COUNT; w++)
        index_phrases(ag, &ag->words[w].ix, ag->words[w].v, ag->words[w].n, sizeof *ag->words[w].v);
    index_phrases(ag, &ag->alias_ix, ag->aliases, ag->naliases, sizeof *ag->aliases);
    index_phrases(ag, &ag->province_ix, ag->provinces, ag->nprovinces, sizeof *ag->provinces);
}

struct px_agencies *
px_agencies_new(const char *rules_dir, struct px_normalizer *nz, struct px_diag *dg)
{
    struct px_agencies *ag = px_xcalloc(1, sizeof *ag);

    ag->memo = memo_new();
    ag->read = (struct px_buf)PX_BUF_INIT;
    (void)nz; /* keys are folded here with ICU: tables and text compare alike */
    px_arena_init(&ag->arena);
    /* Abbreviations first: aliases are expanded the same way as the text. */
    if (read_tsv(ag, rules_dir, "agency-words.tsv", add_word_line, dg) != 0) {
        px_agencies_free(ag);
        return NULL;
    }
    index_abbrs(ag); /* the abbreviations are all in */
    if (read_tsv(ag, rules_dir, "agencies.tsv", add_entry_line, dg) != 0 ||
        read_tsv(ag, rules_dir, "provinces.tsv", add_province_line, dg) != 0) {
        px_agencies_free(ag);
        return NULL;
    }
    index_tables(ag);
    px_sha256_hex(ag->read.ptr, ag->read.len, ag->digest);
    px_buf_release(&ag->read);
    return ag;
}

const char *
px_agencies_digest(const struct px_agencies *ag)
{
    return ag->digest;
}

void
px_agencies_free(struct px_agencies *ag)
{
    if (!ag)
        return;
    px_buf_release(&ag->read); /* kept when a table could not be read */
    for (int w = 0; w < WL_COUNT; w++) {
        free(ag->words[w].v);
        index_release(&ag->words[w].ix);
    }
    index_release(&ag->alias_ix);
    index_release(&ag->province_ix);
    free(ag->abbr_ix);
    free(ag->keys.v);
    free(ag->keys.slot);
    free(ag->entries);
    free(ag->std_city);
    free(ag->aliases);
    free(ag->abbrs);
    free(ag->std_names);
    free(ag->provinces);
    px_arena_release(&ag->arena);
    memo_free(ag->memo);
    free(ag);
}

/* -------------------------------------------------------------- reading */

/* One text being read: expanded, tokenised, with the plan's province. */
struct reader {
    const struct px_agencies *ag;
    const char *text; /* expanded text */
    struct tok *t;
    size_t n;
    long plan; /* index of the plan's province in ag->std_names, or -1: any */
    int city;  /* the plan's province is a centrally-run city */
    struct px_arena *scratch;
};

static size_t match_from(const struct reader *r, const struct phrase *ph, size_t pi, size_t ti);
static size_t match_list(const struct reader *r, enum wordlist w, size_t ti);

/* The phrases of a table that may match at token ti, in table order (struct first_index). */
struct cands {
    const uint32_t *a, *ae; /* those with the token's key first */
    const uint32_t *b, *be; /* those tried everywhere */
};

static struct cands
cands_at(const struct reader *r, const struct first_index *ix, size_t ti)
{
    struct cands c = {NULL, NULL, ix->any, ix->any + ix->nany};
    if (ti < r->n && r->t[ti].kid >= 0) {
        c.a = ix->at + ix->start[r->t[ti].kid];
        c.ae = ix->at + ix->start[r->t[ti].kid + 1];
    }
    return c;
}

static int
cands_next(struct cands *c, size_t *j)
{
    if (c->a < c->ae && (c->b == c->be || *c->a < *c->b))
        *j = *c->a++;
    else if (c->b < c->be)
        *j = *c->b++;
    else
        return 0;
    return 1;
}

/* End of the longest province name at ti (the plan's own when known), or 0. */
static size_t
match_province(const struct reader *r, size_t ti)
{
    struct cands c = cands_at(r, &r->ag->province_ix, ti);
    size_t best = 0, k;
    while (cands_next(&c, &k)) {
        const struct province *pv = &r->ag->provinces[k];
        size_t e;
        if (r->plan >= 0 && pv->std != (size_t)r->plan)
            continue;
        e = match_from(r, &pv->ph, 0, ti);
        if (e > best)
            best = e;
    }
    return best;
}

/* The word "tỉnh" of an alias at ti: "tỉnh", "tỉnh <P>", "<P>" or "thành phố <P>". */
static size_t
match_tinh(const struct reader *r, const struct phrase *ph, size_t pi, size_t ti)
{
    size_t pe, e;

    if (tok_is(&r->t[ti], "tỉnh")) {
        pe = match_province(r, ti + 1);
        if (pe && (e = match_from(r, ph, pi + 1, pe)))
            return e;
        return match_from(r, ph, pi + 1, ti + 1);
    }
    if (ti + 2 < r->n && tok_is(&r->t[ti], "thành") && tok_is(&r->t[ti + 1], "phố"))
        if ((pe = match_province(r, ti + 2)))
            return match_from(r, ph, pi + 1, pe);
    /* a centrally-run city ranks as a province: its own bodies say "thành
     * phố" where a province's say "tỉnh" (word list city-level) */
    if (r->city && (pe = match_list(r, WL_CITY_LEVEL, ti)) != 0) {
        size_t named = match_province(r, pe);
        if (named && (e = match_from(r, ph, pi + 1, named)))
            return e;
        return match_from(r, ph, pi + 1, pe);
    }
    pe = match_province(r, ti);
    return pe ? match_from(r, ph, pi + 1, pe) : 0;
}

/* Match ph->key[pi..] at token ti; commas of the text are skipped inside. End or 0. */
static size_t
match_from(const struct reader *r, const struct phrase *ph, size_t pi, size_t ti)
{
    if (pi == ph->n)
        return ti;
    while (pi > 0 && ti < r->n && tok_is(&r->t[ti], ","))
        ti++;
    if (ti >= r->n)
        return 0;
    /* keys are interned (struct keys): equal keys are the same string */
    if (ph->key[pi] == r->ag->k_tinh)
        return match_tinh(r, ph, pi, ti);
    if (r->t[ti].key != ph->key[pi])
        return 0;
    return match_from(r, ph, pi + 1, ti + 1);
}

/* End of the longest phrase of a word list at ti, or 0. */
static size_t
match_list(const struct reader *r, enum wordlist w, size_t ti)
{
    const struct phrases *ps = &r->ag->words[w];
    struct cands c = cands_at(r, &ps->ix, ti);
    size_t best = 0, k;
    while (cands_next(&c, &k)) {
        size_t e = match_from(r, &ps->v[k], 0, ti);
        if (e > best)
            best = e;
    }
    return best;
}

static int
is_hard_sep(const struct tok *t)
{
    return t->kind == TK_NL || tok_is(t, ";") || tok_is(t, ":") || tok_is(t, ".");
}

/* A name may end before token j. */
static int
at_boundary(const struct reader *r, size_t j)
{
    if (j >= r->n || r->t[j].kind != TK_WORD)
        return 1;
    return tok_is(&r->t[j], "và") || match_list(r, WL_ROLE, j) || match_list(r, WL_PARTNER, j);
}

static int agency_start(const struct reader *r, size_t j, int in_prep);

/*
 * Does the name go on past a comma at e? "Các phòng chuyên môn, nghiệp vụ
 * thuộc Sở": a lower-case word after the comma that starts no agency and
 * is no duty is more of the same name, so a shorter alias ("Các phòng
 * chuyên môn") must not end it there.
 */
static int
name_goes_on(const struct reader *r, size_t e)
{
    if (e + 1 >= r->n || !tok_is(&r->t[e], ",") || r->t[e + 1].kind != TK_WORD || r->t[e + 1].upper)
        return 0;
    return !match_list(r, WL_ROLE, e + 1) && !match_list(r, WL_PARTNER, e + 1) &&
           !tok_is(&r->t[e + 1], "và") && !agency_start(r, e + 1, 0);
}

/* End of the longest alias at ti that ends at a boundary, or 0; *entry gets its entry. */
static size_t
match_alias(const struct reader *r, size_t ti, size_t *entry)
{
    struct cands c = cands_at(r, &r->ag->alias_ix, ti);
    size_t best = 0, k;
    while (cands_next(&c, &k)) {
        const struct alias *al = &r->ag->aliases[k];
        size_t e = match_from(r, &al->ph, 0, ti);
        if (e > best && at_boundary(r, e) && !name_goes_on(r, e)) {
            best = e;
            *entry = al->entry;
        }
    }
    return best;
}

/* A head or office phrase at j that is written as a name (capital, or several words). */
static int
named_head(const struct reader *r, enum wordlist w, size_t j)
{
    size_t e = match_list(r, w, j);
    return e && (r->t[j].upper || e - j > 1);
}

/* Does another agency start at token j (after a comma, "và" or a dash)? */
static int
agency_start(const struct reader *r, size_t j, int in_prep)
{
    size_t entry;

    if (j >= r->n || r->t[j].kind != TK_WORD)
        return 0;
    if (named_head(r, WL_OFFICE, j) || named_head(r, WL_HEAD, j))
        return 1;
    if (in_prep)
        return 0;
    return tok_is(&r->t[j], "các") || match_alias(r, j, &entry) != 0;
}

/*
 * Does the agency list of a heading open at j? Stricter than agency_start:
 * many heads are also verbs or common nouns ("Thanh tra trách nhiệm …" is
 * "inspect", "Ban hành …" is "issue"), so a name the table does not know
 * must be a head followed by a proper name (a capital), another head, a
 * level or another word of the name-word list ("Ủy ban nhân dân phường",
 * "Bảo hiểm xã hội"), or nothing at all.
 */
static int
heading_start(const struct reader *r, size_t j)
{
    size_t entry, he;

    if (!agency_start(r, j, 0))
        return 0;
    if (tok_is(&r->t[j], "các") || match_alias(r, j, &entry) || named_head(r, WL_OFFICE, j))
        return 1;
    he = match_list(r, WL_HEAD, j);
    if (he >= r->n || r->t[he].kind != TK_WORD)
        return 1;
    return r->t[he].upper || match_list(r, WL_HEAD, he) || match_list(r, WL_NAME_WORD, he) ||
           match_list(r, WL_CITY_LEVEL, he);
}

/* End of a name the table does not know, starting at i. A joint opening
 * ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân") is read whole: its
 * "và" joins two bodies into the name of one office at any level. */
static size_t
unknown_end(const struct reader *r, size_t i)
{
    int in_prep = 0;
    size_t j = match_list(r, WL_JOINT, i);

    if (j == 0)
        j = i + 1;

    while (j < r->n) {
        const struct tok *t = &r->t[j];
        if (is_hard_sep(t) || tok_is(t, "(") || tok_is(t, ")"))
            break;
        /* a duty word ends the name, except right after its head ("Ban chỉ đạo") */
        if ((match_list(r, WL_ROLE, j) || match_list(r, WL_PARTNER, j)) &&
            match_list(r, WL_HEAD, i) != j)
            break;
        if (tok_is(t, ",") || tok_is(t, "và") || tok_is(t, "-")) {
            if (agency_start(r, j + 1, in_prep))
                break;
        } else if (match_list(r, WL_PREP, j)) {
            in_prep = 1;
        }
        j++;
    }
    return j;
}

/* Skip a parenthesised remark starting at i; returns the token after ')'. */
static size_t
skip_parens(const struct reader *r, size_t i)
{
    int depth = 0;
    for (; i < r->n; i++) {
        if (tok_is(&r->t[i], "("))
            depth++;
        else if (tok_is(&r->t[i], ")") && --depth <= 0)
            return i + 1;
    }
    return i;
}

static size_t
next_hard_sep(const struct reader *r, size_t i)
{
    while (i < r->n && !is_hard_sep(&r->t[i]))
        i++;
    return i;
}

/* Capitalise the first letter of b (ICU simple upper case). */
static void
capitalise(struct px_buf *b)
{
    int32_t i = 0, len = (int32_t)b->len, o = 0;
    UChar32 c;
    char tmp[4];
    UBool err = 0;

    if (!len)
        return;
    U8_NEXT(b->ptr, i, len, c);
    if (c < 0 || u_isupper(c))
        return;
    U8_APPEND((uint8_t *)tmp, o, 4, u_toupper(c), err);
    if (err || o != i)
        return; /* a capital of another length: keep the text as written */
    memcpy(b->ptr, tmp, (size_t)o);
}

/*
 * Where the plan's own province ends the name [s, e) as its "of province X"
 * form ("Trung tâm Dịch vụ việc làm Hà Tĩnh"), or e. The name must open
 * with a head word and have words between the head and the place; a word
 * of the place-keep list right before it (a compass word of a region name,
 * "Đông Nam Nghệ An", or "Đại học") makes the place part of a proper name,
 * kept as written.
 */
static size_t
province_tail(const struct reader *r, size_t s, size_t e)
{
    size_t he;
    if (r->plan < 0 || !(he = match_list(r, WL_HEAD, s)))
        return e;
    for (size_t p = he; p < e; p++) {
        if (r->t[p].kind != TK_WORD || match_province(r, p) != e)
            continue;
        if (tok_is(&r->t[p - 1], "tỉnh") || tok_is(&r->t[p - 1], "phố"))
            return e; /* "tỉnh <P>": render drops the place already */
        for (size_t q = s; q < p; q++)
            if (match_list(r, WL_PLACE_KEEP, q) == p)
                return e;
        return r->t[p - 1].kind == TK_WORD ? p : e;
    }
    return e;
}

/*
 * Tokens [s, e) as written: spaced as in the text, line breaks as spaces,
 * remarks in parentheses and trailing punctuation dropped, "tỉnh <P>" -> "tỉnh",
 * a name ending with the plan's own province -> "… tỉnh" (province_tail).
 */
static void
render(const struct reader *r, size_t s, size_t e, struct px_buf *out)
{
    while (e > s && r->t[e - 1].kind != TK_WORD && !tok_is(&r->t[e - 1], ")"))
        e--;
    size_t tail = province_tail(r, s, e);
    if (tail < e) {
        render(r, s, tail, out);
        px_buf_puts(out, " tỉnh");
        return;
    }
    for (size_t k = s; k < e;) {
        const struct tok *t = &r->t[k];
        size_t pe;
        if (tok_is(t, "(")) {
            k = skip_parens(r, k);
            continue;
        }
        if (t->kind == TK_NL) {
            k++;
            continue;
        }
        if (out->len && k > s && t->off > r->t[k - 1].off + r->t[k - 1].len)
            px_buf_putc(out, ' ');
        else if (out->len && k > s && r->t[k - 1].kind == TK_NL)
            px_buf_putc(out, ' ');
        px_buf_put(out, r->text + t->off, t->len);
        k++;
        if (tok_is(t, "tỉnh") && (pe = match_province(r, k)) != 0 && pe <= e)
            k = pe;
    }
    while (out->len && out->ptr[out->len - 1] == ' ')
        px_buf_truncate(out, out->len - 1);
}

/* Append name to list unless it is there already (compared on folded text). */
static void
emit(const struct reader *r, struct px_arena *a, struct px_strlist *list, const char *name,
     size_t len)
{
    struct px_buf k1 = PX_BUF_INIT, k2 = PX_BUF_INIT;
    int dup = 0;

    if (!list || !len)
        return;
    fold_word(name, len, &k1);
    for (size_t i = 0; i < list->n && !dup; i++) {
        fold_word(list->v[i], strlen(list->v[i]), &k2);
        dup = k1.len == k2.len && memcmp(k1.ptr, k2.ptr, k1.len) == 0;
    }
    if (!dup) {
        list->v = px_arena_grow(a, list->v, list->n, list->n + 1, sizeof *list->v);
        list->v[list->n++] = px_arena_strndup(a, name, len);
    }
    px_buf_release(&k1);
    px_buf_release(&k2);
    (void)r;
}

/* Where names go while one text is read. */
struct sink {
    struct px_arena *a;
    struct px_strlist *leads, *partners;
    int to_partners;           /* after "phối hợp" */
    size_t office_s, office_e; /* the office that distributes, or office_e == 0 */
};

static void
emit_name(const struct reader *r, struct sink *k, const char *name, size_t len)
{
    emit(r, k->a, k->to_partners ? k->partners : k->leads, name, len);
}

/* A name as written, with the office of the list in front when one distributes. */
static void
emit_written(const struct reader *r, struct sink *k, size_t s, size_t e, int with_office)
{
    struct px_buf b = PX_BUF_INIT;
    if (with_office && k->office_e) {
        render(r, k->office_s, k->office_e, &b);
        px_buf_putc(&b, ' ');
    }
    render(r, s, e, &b);
    capitalise(&b);
    emit_name(r, k, b.ptr, b.len);
    px_buf_release(&b);
}

/*
 * "Các Sở A, B và C": the head distributes over the capitalised items; also
 * with a colon after the head ("Các Sở: Tài chính, Nội vụ, Tư pháp"), unless
 * what follows the colon names bodies of its own ("Các cơ quan: Sở Nội vụ").
 * Returns the token after the list, or 0 when the text at i is not one.
 */
static size_t
read_distributive(const struct reader *r, struct sink *k, size_t i)
{
    size_t head_e, q;
    struct px_buf b = PX_BUF_INIT;

    if (i + 2 >= r->n || !tok_is(&r->t[i], "các"))
        return 0;
    head_e = match_list(r, WL_PLURAL, i + 1);
    if (!head_e || head_e >= r->n)
        return 0;
    q = head_e;
    if (tok_is(&r->t[head_e], ":")) {
        q = head_e + 1;
        if (agency_start(r, q, 0))
            return 0;
    }
    if (q >= r->n || r->t[q].kind != TK_WORD || !r->t[q].upper)
        return 0;
    for (;;) {
        size_t best = 0, entry = 0, e, a, all = 0;
        /* an alias must open with the head's words: those that start with its first key */
        struct cands heads = cands_at(r, &r->ag->alias_ix, i + 1);
        while (head_e > i + 1 ? cands_next(&heads, &a) : (a = all++) < r->ag->naliases) {
            const struct alias *al = &r->ag->aliases[a];
            size_t hn = head_e - (i + 1);
            int same_head = al->ph.n > hn;
            for (size_t h = 0; same_head && h < hn; h++)
                same_head = strcmp(al->ph.key[h], r->t[i + 1 + h].key) == 0;
            if (same_head && (e = match_from(r, &al->ph, hn, q)) > best && at_boundary(r, e) &&
                (e >= r->n || !tok_is(&r->t[e], "và"))) {
                best = e;
                entry = al->entry;
            }
        }
        if (best) {
            const char *c = r->ag->entries[entry].canonical;
            emit_name(r, k, c, strlen(c));
            q = best;
        } else {
            e = q + 1;
            /* "Kế hoạch - Tài chính": a hyphen between capitalised words joins one name */
            while (e < r->n && !match_list(r, WL_ROLE, e) &&
                   (r->t[e].kind == TK_WORD ||
                    (tok_is(&r->t[e], "-") && e + 1 < r->n && r->t[e + 1].kind == TK_WORD &&
                     r->t[e + 1].upper && r->t[e - 1].kind == TK_WORD)))
                e++;
            px_buf_clear(&b);
            render(r, i + 1, head_e, &b);
            px_buf_putc(&b, ' ');
            render(r, q, e, &b);
            emit_name(r, k, b.ptr, b.len);
            q = e;
        }
        if (q + 1 < r->n && (tok_is(&r->t[q], ",") || tok_is(&r->t[q], "và")) &&
            r->t[q + 1].kind == TK_WORD && r->t[q + 1].upper && !agency_start(r, q + 1, 0))
            q++;
        else
            break;
    }
    px_buf_release(&b);
    return q;
}

/* Read one name at i (not a separator); returns the token after it. */
static size_t
read_name(const struct reader *r, struct sink *k, size_t i)
{
    size_t entry = 0, e, oe;

    e = match_alias(r, i, &entry);
    if (e && r->ag->entries[entry].kind == AK_PERSON) {
        const char *c = r->ag->entries[entry].canonical;
        emit_name(r, k, c, strlen(c));
        return e;
    }
    if (!e && (oe = match_list(r, WL_OFFICE, i)) && r->t[i].upper && oe < r->n &&
        r->t[oe].kind == TK_WORD) {
        /* "Giám đốc các sở": the office, then the body it heads */
        k->office_s = i;
        k->office_e = oe;
        e = match_alias(r, oe, &entry);
        if (!e)
            e = unknown_end(r, oe);
        emit_written(r, k, oe, e, 1);
        return e;
    }
    if (e && k->office_e) {
        emit_written(r, k, i, e, 1);
        return e;
    }
    if (e) {
        const char *c = r->ag->entries[entry].canonical;
        emit_name(r, k, c, strlen(c));
        return e;
    }
    if ((e = read_distributive(r, k, i)) != 0)
        return e;
    e = unknown_end(r, i);
    emit_written(r, k, i, e, k->office_e != 0);
    return e;
}

/*
 * Where a trailing head word starts ("… ở các cấp Sở"), or r->n when the
 * text does not end with one. A head right after another head ("Văn phòng
 * Ủy ban nhân dân") is a name of its own, not a dangling head.
 */
static size_t
dangling_start(const struct reader *r)
{
    for (size_t s = 0; s < r->n; s++) {
        if (match_list(r, WL_HEAD, s) != r->n)
            continue;
        if (!r->t[s].upper)
            return r->n; /* "Tài nguyên và Môi trường": a dangling head is a capital */
        if (s == 0)
            return 0;
        if (r->t[s - 1].kind != TK_WORD || match_list(r, WL_PREP, s - 1) == s)
            return r->n; /* "… thuộc Văn phòng" names the body */
        for (size_t p = s; p-- > 0 && r->t[p].kind == TK_WORD && !tok_is(&r->t[p], "và");)
            if (r->t[p].upper)
                return r->n; /* "Chi đoàn Thanh niên Sở": the head ends a capitalised name */
        for (size_t p = 0; p < s; p++)
            if (match_province(r, p) == r->n)
                return r->n; /* "… Truyền hình Hải Phòng": the head ends a place name */
        for (size_t h = 0; h < s; h++)
            if (match_list(r, WL_HEAD, h) == s)
                return r->n;
        return s;
    }
    return r->n;
}

enum read_mode { READ_SPLIT, READ_MEASURE };

/*
 * Read the names of r. In READ_MEASURE mode stop where the agency list of
 * a heading ends (a colon, a duty, a word that starts no agency) and
 * return the token there; in READ_SPLIT mode read everything.
 */
static size_t
read_all(const struct reader *r, struct sink *k, enum read_mode mode)
{
    size_t i = 0, e, last = 0;
    int seg_start = 1;

    if ((e = match_list(r, WL_LEAD, 0)) != 0)
        i = e;
    while (i < r->n) {
        const struct tok *t = &r->t[i];
        if (is_hard_sep(t)) {
            if (mode == READ_MEASURE && !tok_is(t, ";"))
                break;
            k->to_partners = 0;
            k->office_e = 0;
            seg_start = 1;
            i++;
            continue;
        }
        if (tok_is(t, "(")) {
            i = skip_parens(r, i);
            continue;
        }
        if ((e = match_list(r, WL_PARTNER, i)) != 0) {
            if (mode == READ_MEASURE)
                break;
            k->to_partners = 1;
            i = e;
            if (i < r->n && tok_is(&r->t[i], "với"))
                i++;
            continue;
        }
        if (match_list(r, WL_ROLE, i)) {
            if (mode == READ_MEASURE)
                break;
            /* a duty ends the name; "chủ trì, phối hợp với X" still names partners */
            while (i < r->n && !is_hard_sep(&r->t[i]) && !match_list(r, WL_PARTNER, i))
                i++;
            continue;
        }
        if (tok_is(t, "-") && !seg_start && !agency_start(r, i + 1, 0)) {
            /* "Sở Nội vụ - Cơ quan thường trực …": an apposition, not a name */
            i = next_hard_sep(r, i);
            last = i;
            continue;
        }
        if (t->kind != TK_WORD || tok_is(t, "và")) {
            if (mode == READ_MEASURE && (tok_is(t, ",") || tok_is(t, "và")) &&
                !agency_start(r, i + 1, 0))
                break;
            i++;
            continue;
        }
        if (mode == READ_MEASURE && seg_start && !heading_start(r, i))
            break;
        seg_start = 0;
        i = read_name(r, k, i);
        last = i;
    }
    return last;
}

static long
province_index(const struct px_agencies *ag, const char *province)
{
    if (!province)
        return -1;
    for (size_t k = 0; k < ag->nstd; k++)
        if (strcmp(ag->std_names[k], province) == 0)
            return (long)k;
    return -1;
}

/* ------------------------------------------------------ the reading memo */

/*
 * Extraction reads one text several times (its province, its lead, its
 * agencies, a dangling head): each text is expanded and tokenised once and
 * kept, by content, until px_agencies_forget (or until the memo holds
 * MEMO_MAX_BYTES of text, when it starts over).
 */
struct reading {
    uint32_t hash;
    size_t len;
    const char *text;  /* NULL: empty slot */
    const char *ex;    /* the expanded text */
    const size_t *map; /* expanded offset -> text offset, one past the end included */
    const struct tok *t;
    size_t n;
};

struct reading_memo {
    struct px_arena arena; /* everything the readings point to */
    struct reading *slot;  /* open addressing by hash */
    size_t mask, n, bytes;
};

enum { MEMO_MAX_BYTES = 1 << 22 };

static void
memo_forget(struct reading_memo *m)
{
    px_arena_release(&m->arena);
    free(m->slot);
    memset(m, 0, sizeof *m);
}

static struct reading_memo *
memo_new(void)
{
    return px_xcalloc(1, sizeof(struct reading_memo));
}

static void
memo_free(struct reading_memo *m)
{
    if (m)
        memo_forget(m);
    free(m);
}

static struct reading *
memo_slot(struct reading_memo *m, uint32_t hash, const char *text, size_t len)
{
    size_t i = hash & m->mask;
    for (; m->slot[i].text; i = (i + 1) & m->mask)
        if (m->slot[i].hash == hash && m->slot[i].len == len &&
            memcmp(m->slot[i].text, text, len) == 0)
            break;
    return &m->slot[i];
}

/* Room for one more reading: the table at most half full. */
static void
memo_reserve(struct reading_memo *m)
{
    if (m->slot && 2 * (m->n + 1) <= m->mask + 1)
        return;
    size_t cap = m->slot ? 2 * (m->mask + 1) : 256;
    struct reading *old = m->slot;
    size_t old_cap = m->slot ? m->mask + 1 : 0;
    m->slot = px_xcalloc(cap, sizeof *m->slot);
    m->mask = cap - 1;
    for (size_t k = 0; k < old_cap; k++)
        if (old[k].text)
            *memo_slot(m, old[k].hash, old[k].text, old[k].len) = old[k];
    free(old);
}

/* The reading of text[0..len): expanded, mapped and tokenised on first sight. */
static const struct reading *
memo_read(const struct px_agencies *ag, const char *text, size_t len)
{
    struct reading_memo *m = ag->memo;
    if (m->bytes + len > MEMO_MAX_BYTES)
        memo_forget(m);
    memo_reserve(m);
    uint32_t hash = (uint32_t)px_hash_bytes(text, len);
    struct reading *rd = memo_slot(m, hash, text, len);
    if (rd->text)
        return rd;
    struct px_buf ex = PX_BUF_INIT;
    size_t *map = NULL;
    struct toks tk = {0};
    struct keysrc src = {NULL, &ag->keys};
    expand_abbrs(ag, text, len, &ex, &map);
    tokenize(&m->arena, &src, ex.ptr, ex.len, &tk);
    size_t *kept = px_arena_alloc(&m->arena, (ex.len + 1) * sizeof *kept);
    memcpy(kept, map, (ex.len + 1) * sizeof *kept);
    *rd = (struct reading){hash,
                           len,
                           px_arena_strndup(&m->arena, text, len),
                           px_arena_strndup(&m->arena, ex.ptr, ex.len),
                           kept,
                           tk.v,
                           tk.n};
    m->n++;
    m->bytes += len;
    free(map);
    px_buf_release(&ex);
    return rd;
}

void
px_agencies_forget(const struct px_agencies *ag)
{
    memo_forget(ag->memo);
}

/* Read text into r: its tokens and map are the memo's (borrowed); scratch
 * is for what the reading makes. */
static void
reader_init(struct reader *r, const struct px_agencies *ag, const char *province,
            struct px_arena *scratch, const char *text, size_t len, const size_t **map)
{
    const struct reading *rd = memo_read(ag, text, len);
    if (map)
        *map = rd->map;
    r->ag = ag;
    r->text = rd->ex;
    r->t = (struct tok *)rd->t; /* the reader only reads its tokens */
    r->n = rd->n;
    r->plan = province_index(ag, province);
    r->city = r->plan >= 0 && ag->std_city[r->plan];
    r->scratch = scratch;
}

int
px_agencies_split_roles(const struct px_agencies *ag, struct px_normalizer *nz, const char *text,
                        size_t len, const char *province, struct px_arena *a,
                        struct px_strlist *leads, struct px_strlist *partners)
{
    struct px_arena scratch = PX_ARENA_INIT;
    struct reader r;
    struct sink k = {a, leads, partners, 0, 0, 0};
    size_t before = leads->n;

    (void)nz;
    leads->present = 1;
    if (partners)
        partners->present = 1;
    reader_init(&r, ag, province, &scratch, text, len, NULL);
    r.n = dangling_start(&r);
    read_all(&r, &k, READ_SPLIT);
    px_arena_release(&scratch);
    return (int)(leads->n - before);
}

int
px_agencies_split(const struct px_agencies *ag, struct px_normalizer *nz, const char *text,
                  size_t len, const char *province, struct px_arena *a, struct px_strlist *out)
{
    return px_agencies_split_roles(ag, nz, text, len, province, a, out, NULL);
}

char *
px_agency_canonical(const struct px_agencies *ag, struct px_normalizer *nz, const char *name,
                    size_t len, const char *province, struct px_arena *a)
{
    struct px_strlist one = {0, 0, NULL};
    px_agencies_split(ag, nz, name, len, province, a, &one);
    return one.n ? one.v[0] : px_arena_strndup(a, "", 0);
}

size_t
px_agencies_lead_len(const struct px_agencies *ag, struct px_normalizer *nz, const char *text,
                     size_t len)
{
    struct px_arena scratch = PX_ARENA_INIT;
    struct reader r;
    struct px_strlist dummy = {0, 0, NULL};
    struct sink k = {&scratch, &dummy, NULL, 0, 0, 0};
    const size_t *map = NULL;
    size_t end, n = 0;

    (void)nz;
    reader_init(&r, ag, NULL, &scratch, text, len, &map);
    end = read_all(&r, &k, READ_MEASURE);
    if (dummy.n && end > 0) {
        const struct tok *t = &r.t[end - 1];
        n = map[t->off + t->len];
    }
    px_arena_release(&scratch);
    return n;
}

size_t
px_agencies_dangling_head(const struct px_agencies *ag, struct px_normalizer *nz, const char *text,
                          size_t len)
{
    struct px_arena scratch = PX_ARENA_INIT;
    struct reader r;
    const size_t *map = NULL;
    size_t s, n = 0;

    (void)nz;
    reader_init(&r, ag, NULL, &scratch, text, len, &map);
    s = dangling_start(&r);
    if (r.n && s < r.n)
        n = len - map[r.t[s].off];
    else if (r.n && s == 0)
        n = len - map[r.t[0].off];
    px_arena_release(&scratch);
    return n;
}

const char *
px_province_find(const struct px_agencies *ag, struct px_normalizer *nz, const char *text,
                 size_t len)
{
    struct px_arena scratch = PX_ARENA_INIT;
    struct reader r;
    const char *found = NULL;

    (void)nz;
    reader_init(&r, ag, NULL, &scratch, text, len, NULL);
    for (size_t i = 0; i < r.n && !found; i++) {
        size_t best = 0, std = 0, k;
        struct cands c;
        if (r.t[i].kind != TK_WORD || (i > 0 && r.t[i - 1].kind == TK_WORD && r.t[i - 1].upper &&
                                       !tok_is(&r.t[i - 1], "tỉnh") && !tok_is(&r.t[i - 1], "phố")))
            continue; /* inside another proper name ("Đông Nam Nghệ An") */
        c = cands_at(&r, &ag->province_ix, i);
        while (cands_next(&c, &k)) {
            size_t e = match_from(&r, &ag->provinces[k].ph, 0, i);
            if (e > best && (e >= r.n || r.t[e].kind != TK_WORD || !r.t[e].upper)) {
                best = e;
                std = ag->provinces[k].std;
            }
        }
        if (best)
            found = ag->std_names[std];
    }
    px_arena_release(&scratch);
    return found;
}

const char *
px_province_standard(const struct px_agencies *ag, struct px_normalizer *nz, const char *name,
                     size_t len)
{
    struct px_arena scratch = PX_ARENA_INIT;
    struct reader r;
    struct cands c;
    const char *found = NULL;
    size_t k;

    (void)nz;
    reader_init(&r, ag, NULL, &scratch, name, len, NULL);
    c = cands_at(&r, &ag->province_ix, 0);
    while (r.n && !found && cands_next(&c, &k))
        if (match_from(&r, &ag->provinces[k].ph, 0, 0) == r.n)
            found = ag->std_names[ag->provinces[k].std];
    px_arena_release(&scratch);
    return found;
}

/* eval — a C port of the reference scorer (see eval.h). */
#define _POSIX_C_SOURCE 200809L

#include "eval.h"

#include "buf.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "banned.h"

/* Word-list similarity at which a task text counts as right (score.py TEXT_OK).
 */
#define TEXT_OK 0.9
/* Jaccard overlap a fallback pairing must beat. */
#define FALLBACK_MIN 0.5
/* Body tasks pair on this many opening words; error lines cite this many. */
#define HEAD_WORDS 8
#define WHERE_WORDS 6

static const char *const field_names[PX_EV_NFIELDS] = {
    "task.found",      "task.text",           "task.product",        "task.leads",
    "task.partners",   "task.deadline.kind",  "task.deadline.dates", "target",
    "document.kind",   "document.number",     "document.issuer",     "document.province",
    "document.issued", "document.implements",
};

const char *
px_eval_field_name(enum px_eval_field f)
{
    return (unsigned)f < PX_EV_NFIELDS ? field_names[f] : "?";
}

/* ---- Python's character classes
 * --------------------------------------------------------- */

/* str.isspace(): bidi class WS, B or S, or category Zs. */
static int
py_isspace(UChar32 c)
{
    if (c < 128)
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    UCharDirection d = u_charDirection(c);
    return u_charType(c) == U_SPACE_SEPARATOR || d == U_WHITE_SPACE_NEUTRAL ||
           d == U_BLOCK_SEPARATOR || d == U_SEGMENT_SEPARATOR;
}

/* str.isalnum(): a letter (L*) or a character with a numeric value. */
static int
py_isalnum(UChar32 c)
{
    int8_t t = u_charType(c);
    if (t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER || t == U_TITLECASE_LETTER ||
        t == U_MODIFIER_LETTER || t == U_OTHER_LETTER)
        return 1;
    return u_getIntPropertyValue(c, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

/* [^\W\d_]: a word character that is neither a decimal digit nor '_'. */
static int
py_isletterish(UChar32 c)
{
    return c != '_' && py_isalnum(c) && u_charType(c) != U_DECIMAL_DIGIT_NUMBER;
}

/* ---- norm()
 * ------------------------------------------------------------------------------
 */

struct cps {
    UChar32 *v;
    size_t n, cap;
};

static void
cps_push(struct cps *s, UChar32 c)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = px_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = c;
}

/* NFC then full case folding, as UTF-32. Returns 0 or -1 on an ICU failure. */
static int
nfc_casefold(const char *s, struct cps *out)
{
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
    int32_t n16 = 0;
    u_strFromUTF8WithSub(NULL, 0, &n16, s, -1, 0xFFFD, NULL, &err);
    err = U_ZERO_ERROR;
    UChar *u = px_xmalloc(((size_t)n16 + 1) * sizeof *u);
    u_strFromUTF8WithSub(u, n16 + 1, NULL, s, -1, 0xFFFD, NULL, &err);
    /* NFC and case folding can grow a string; 3x is the documented bound for
     * both. */
    int32_t cap = 3 * n16 + 16;
    UChar *a = px_xmalloc((size_t)cap * sizeof *a), *b = px_xmalloc((size_t)cap * sizeof *b);
    int32_t na = unorm2_normalize(nfc, u, n16, a, cap, &err);
    int32_t nb = U_SUCCESS(err) ? u_strFoldCase(b, cap, a, na, U_FOLD_CASE_DEFAULT, &err) : 0;
    for (int32_t i = 0; U_SUCCESS(err) && i < nb;) {
        UChar32 c;
        U16_NEXT(b, i, nb, c);
        cps_push(out, c);
    }
    free(u);
    free(a);
    free(b);
    return U_SUCCESS(err) ? 0 : -1;
}

static const UChar32 tone_old[][4] = {
    {0x6f, 0xe1, 0xf3, 0x61},     {0x6f, 0xe0, 0xf2, 0x61},     {0x6f, 0x1ea3, 0x1ecf, 0x61},
    {0x6f, 0xe3, 0xf5, 0x61},     {0x6f, 0x1ea1, 0x1ecd, 0x61}, {0x6f, 0xe9, 0xf3, 0x65},
    {0x6f, 0xe8, 0xf2, 0x65},     {0x6f, 0x1ebb, 0x1ecf, 0x65}, {0x6f, 0x1ebd, 0xf5, 0x65},
    {0x6f, 0x1eb9, 0x1ecd, 0x65}, {0x75, 0xfd, 0xfa, 0x79},     {0x75, 0x1ef3, 0xf9, 0x79},
    {0x75, 0x1ef7, 0x1ee7, 0x79}, {0x75, 0x1ef9, 0x169, 0x79},  {0x75, 0x1ef5, 0x1ee5, 0x79},
};

/* score.py TONE_RE: a word-final "oá"/"uý"… not after q becomes "óa"/"úy". */
static void
tone_placement(struct cps *s)
{
    for (size_t i = 0; i + 1 < s->n; i++) {
        if (i > 0 && (s->v[i - 1] == 'q' || s->v[i - 1] == 'Q'))
            continue;
        if (i + 2 < s->n && py_isletterish(s->v[i + 2]))
            continue;
        for (size_t k = 0; k < sizeof tone_old / sizeof tone_old[0]; k++)
            if (s->v[i] == tone_old[k][0] && s->v[i + 1] == tone_old[k][1]) {
                s->v[i] = tone_old[k][2];
                s->v[i + 1] = tone_old[k][3];
                i++; /* the match is consumed: scanning goes on after it */
                break;
            }
    }
}

static int
strip_char(UChar32 c)
{
    return c == ' ' || c == '\t' || c == '.' || c == ';' || c == ':' || c == ',';
}

/* Collapse whitespace runs to one space, then strip " \t.;:," at both ends. */
static void
collapse_strip(struct cps *s)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (py_isspace(s->v[i])) {
            s->v[w++] = ' ';
            while (i + 1 < s->n && py_isspace(s->v[i + 1]))
                i++;
        } else {
            s->v[w++] = s->v[i];
        }
    }
    size_t lo = 0, hi = w;
    while (lo < hi && strip_char(s->v[lo]))
        lo++;
    while (hi > lo && strip_char(s->v[hi - 1]))
        hi--;
    if (hi > lo)
        memmove(s->v, s->v + lo, (hi - lo) * sizeof *s->v);
    s->n = hi - lo;
}

/* score.py norm() as code points. */
static void
norm_cps(const char *s, struct cps *out)
{
    out->n = 0;
    nfc_casefold(s, out);
    tone_placement(out);
    collapse_strip(out);
}

/* score.py norm() of a string; heap-owned, caller frees. */
static char *
norm_str(const char *s)
{
    struct cps c = {0};
    norm_cps(s, &c);
    struct px_buf b = PX_BUF_INIT;
    for (size_t i = 0; i < c.n; i++)
        px_buf_put_utf8(&b, c.v[i]);
    free(c.v);
    return px_buf_detach(&b, NULL);
}

/* ---- Python values: str() and repr() of JSON values
 * -------------------------------------- */

/* The null of score.py: a missing key or a JSON null. */
static json_t *
get(const json_t *o, const char *key)
{
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_null(v) ? NULL : v;
}

static json_t *
get_item(const json_t *list, size_t i)
{
    json_t *v = json_array_get(list, i);
    return json_is_null(v) ? NULL : v;
}

static int
is_str(const json_t *v, const char *s)
{
    return json_is_string(v) && !strcmp(json_string_value(v), s);
}

static void
py_float_repr(struct px_buf *b, double x)
{
    if (isnan(x) || isinf(x)) {
        px_buf_puts(b, isnan(x) ? "nan" : x < 0 ? "-inf" : "inf");
        return;
    }
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) { /* the shortest digits that read back as x */
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
        if (strtod(tmp, NULL) == x)
            break;
    }
    char *e = strchr(tmp, 'e');
    int exp = atoi(e + 1);
    *e = '\0';
    char digits[40];
    size_t nd = 0;
    int neg = tmp[0] == '-';
    for (const char *p = tmp + neg; *p; p++)
        if (*p != '.')
            digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    if (neg)
        px_buf_putc(b, '-');
    if (exp >= 16 || exp < -4) { /* repr switches to exponent notation here */
        px_buf_putc(b, digits[0]);
        if (nd > 1)
            px_buf_printf(b, ".%s", digits + 1);
        px_buf_printf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    } else if (exp < 0) {
        px_buf_puts(b, "0.");
        for (int i = -1; i > exp; i--)
            px_buf_putc(b, '0');
        px_buf_puts(b, digits);
    } else {
        for (int i = 0; i <= exp; i++)
            px_buf_putc(b, (size_t)i < nd ? digits[i] : '0');
        px_buf_putc(b, '.');
        px_buf_puts(b, (size_t)exp + 1 < nd ? digits + exp + 1 : "0");
    }
}

static int
py_isprintable(UChar32 c)
{
    if (c == ' ')
        return 1;
    int8_t t = u_charType(c);
    return !(t == U_CONTROL_CHAR || t == U_FORMAT_CHAR || t == U_SURROGATE ||
             t == U_PRIVATE_USE_CHAR || t == U_UNASSIGNED || t == U_LINE_SEPARATOR ||
             t == U_PARAGRAPH_SEPARATOR || t == U_SPACE_SEPARATOR);
}

static void
py_repr_char(struct px_buf *b, UChar32 c, char quote)
{
    if (c == '\\' || c == quote)
        px_buf_printf(b, "\\%c", (char)c);
    else if (c == '\t' || c == '\n' || c == '\r')
        px_buf_puts(b, c == '\t' ? "\\t" : c == '\n' ? "\\n" : "\\r");
    else if (py_isprintable(c))
        px_buf_put_utf8(b, c);
    else if (c < 0x100)
        px_buf_printf(b, "\\x%02x", (unsigned)c);
    else if (c < 0x10000)
        px_buf_printf(b, "\\u%04x", (unsigned)c);
    else
        px_buf_printf(b, "\\U%08x", (unsigned)c);
}

/* repr() of a str: single quotes unless it holds ' and no ". */
static void
py_repr_str(struct px_buf *b, const char *s)
{
    char quote = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    px_buf_putc(b, quote);
    int32_t i = 0, n = (int32_t)strlen(s);
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        py_repr_char(b, c < 0 ? 0xFFFD : c, quote);
    }
    px_buf_putc(b, quote);
}

/* str() of a JSON value (NULL for None); heap-owned. */
static char *
py_str(const json_t *v)
{
    struct px_buf b = PX_BUF_INIT;
    if (!v)
        return NULL;
    if (json_is_string(v))
        px_buf_puts(&b, json_string_value(v));
    else if (json_is_integer(v))
        px_buf_printf(&b, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        py_float_repr(&b, json_real_value(v));
    else if (json_is_boolean(v))
        px_buf_puts(&b, json_is_true(v) ? "True" : "False");
    else {
        char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        px_buf_puts(&b, d ? d : "");
        free(d);
    }
    return px_buf_detach(&b, NULL);
}

static void
py_repr(struct px_buf *b, const json_t *v)
{
    if (!v) {
        px_buf_puts(b, "None");
    } else if (json_is_string(v)) {
        py_repr_str(b, json_string_value(v));
    } else {
        char *s = py_str(v);
        px_buf_puts(b, s);
        free(s);
    }
}

static void
py_repr_opt(struct px_buf *b, const char *s)
{
    if (s)
        py_repr_str(b, s);
    else
        px_buf_puts(b, "None");
}

/* norm(x) of score.py for any JSON value: NULL for None; heap-owned. */
static char *
norm_json(const json_t *v)
{
    char *s = py_str(v);
    if (!s)
        return NULL;
    char *n = norm_str(s);
    free(s);
    return n;
}

/* ---- words and the SequenceMatcher ratio
 * ------------------------------------------------- */

/* Words are interned: equal words get equal ids, so lists compare as int
 * arrays. */
struct intern {
    char **keys; /* heap-owned; index = id */
    size_t n, cap;
    size_t *slots; /* open addressing: id + 1, 0 = empty */
    size_t nslots;
};

static void
intern_rehash(struct intern *in)
{
    free(in->slots);
    in->nslots = in->nslots ? in->nslots * 2 : 1024;
    in->slots = px_xcalloc(in->nslots, sizeof *in->slots);
    for (size_t id = 0; id < in->n; id++) {
        size_t i = px_hash_bytes(in->keys[id], strlen(in->keys[id])) & (in->nslots - 1);
        while (in->slots[i])
            i = (i + 1) & (in->nslots - 1);
        in->slots[i] = id + 1;
    }
}

static int
intern_id(struct intern *in, const char *s, size_t len)
{
    if (2 * (in->n + 1) > in->nslots)
        intern_rehash(in);
    size_t i = px_hash_bytes(s, len) & (in->nslots - 1);
    for (; in->slots[i]; i = (i + 1) & (in->nslots - 1)) {
        const char *k = in->keys[in->slots[i] - 1];
        if (strlen(k) == len && !memcmp(k, s, len))
            return (int)(in->slots[i] - 1);
    }
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 256;
        in->keys = px_xrealloc(in->keys, in->cap * sizeof *in->keys);
    }
    in->keys[in->n] = px_xstrndup(s, len);
    in->slots[i] = ++in->n;
    return (int)(in->n - 1);
}

static void
intern_release(struct intern *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->keys[i]);
    free(in->keys);
    free(in->slots);
}

struct words {
    int *w;
    size_t n;
};

/* score.py words(): runs of [^\W_] in norm(s). */
static struct words
words_of(struct intern *in, const json_t *v)
{
    struct words out = {NULL, 0};
    char *s = py_str(v);
    if (!s)
        return out;
    struct cps c = {0};
    norm_cps(s, &c);
    free(s);
    struct px_buf b = PX_BUF_INIT;
    size_t cap = 0;
    for (size_t i = 0; i <= c.n; i++) {
        if (i < c.n && c.v[i] != '_' && py_isalnum(c.v[i])) {
            px_buf_put_utf8(&b, c.v[i]);
            continue;
        }
        if (!b.len)
            continue;
        if (out.n == cap) {
            cap = cap ? cap * 2 : 32;
            out.w = px_xrealloc(out.w, cap * sizeof *out.w);
        }
        out.w[out.n++] = intern_id(in, b.ptr, b.len);
        px_buf_clear(&b);
    }
    px_buf_release(&b);
    free(c.v);
    return out;
}

static int
words_equal(const struct words *a, const struct words *b, size_t max)
{
    size_t na = a->n < max ? a->n : max, nb = b->n < max ? b->n : max;
    return na == nb && (na == 0 || !memcmp(a->w, b->w, na * sizeof *a->w));
}

struct pos {
    int id;
    size_t j;
};

static int
cmp_pos(const void *x, const void *y)
{
    const struct pos *a = x, *b = y;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return a->j < b->j ? -1 : a->j > b->j;
}

/* difflib's b2j: every position of each word of b, grouped by word, ascending.
 */
struct matcher {
    const int *a, *b;
    struct pos *b2j;
    size_t na, nb;
    size_t *len, *newlen; /* j2len, indexed j + 1 */
    size_t *touched, *newtouched;
    size_t ntouched;
};

static size_t
b2j_first(const struct matcher *m, int id)
{
    size_t lo = 0, hi = m->nb;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->b2j[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* difflib find_longest_match without junk: the longest a[i:i+k] == b[j:j+k],
 * earliest i, then j. */
static void
longest_match(struct matcher *m, size_t alo, size_t ahi, size_t blo, size_t bhi, size_t *bi,
              size_t *bj, size_t *bk)
{
    size_t besti = alo, bestj = blo, bestsize = 0;
    for (size_t i = alo; i < ahi; i++) {
        size_t nnew = 0;
        for (size_t p = b2j_first(m, m->a[i]); p < m->nb && m->b2j[p].id == m->a[i]; p++) {
            size_t j = m->b2j[p].j;
            if (j < blo)
                continue;
            if (j >= bhi)
                break;
            size_t k = m->len[j] + 1; /* len[j] is the run ending at b[j - 1] */
            m->newlen[j + 1] = k;
            m->newtouched[nnew++] = j + 1;
            if (k > bestsize)
                besti = i + 1 - k, bestj = j + 1 - k, bestsize = k;
        }
        for (size_t t = 0; t < m->ntouched; t++)
            m->len[m->touched[t]] = 0;
        size_t *sw = m->len;
        m->len = m->newlen, m->newlen = sw;
        sw = m->touched;
        m->touched = m->newtouched, m->newtouched = sw;
        m->ntouched = nnew;
    }
    for (size_t t = 0; t < m->ntouched; t++)
        m->len[m->touched[t]] = 0;
    m->ntouched = 0;
    while (besti > alo && bestj > blo && m->a[besti - 1] == m->b[bestj - 1])
        besti--, bestj--, bestsize++;
    while (besti + bestsize < ahi && bestj + bestsize < bhi &&
           m->a[besti + bestsize] == m->b[bestj + bestsize])
        bestsize++;
    *bi = besti, *bj = bestj, *bk = bestsize;
}

/* SequenceMatcher(None, a, b, autojunk=False).ratio(). */
static double
seq_ratio(const struct words *a, const struct words *b)
{
    if (a->n + b->n == 0)
        return 1.0;
    struct matcher m = {a->w, b->w, NULL, a->n, b->n, NULL, NULL, NULL, NULL, 0};
    m.b2j = px_xmalloc((b->n + 1) * sizeof *m.b2j);
    for (size_t j = 0; j < b->n; j++)
        m.b2j[j] = (struct pos){b->w[j], j};
    qsort(m.b2j, b->n, sizeof *m.b2j, cmp_pos);
    m.len = px_xcalloc(b->n + 2, sizeof *m.len);
    m.newlen = px_xcalloc(b->n + 2, sizeof *m.newlen);
    m.touched = px_xmalloc((b->n + 1) * sizeof *m.touched);
    m.newtouched = px_xmalloc((b->n + 1) * sizeof *m.newtouched);
    /* get_matching_blocks: an explicit stack of (alo, ahi, blo, bhi) */
    size_t cap = 64, top = 0, matched = 0;
    size_t(*stack)[4] = px_xmalloc(cap * sizeof *stack);
    stack[top][0] = 0, stack[top][1] = a->n, stack[top][2] = 0, stack[top][3] = b->n, top++;
    while (top) {
        top--;
        size_t alo = stack[top][0], ahi = stack[top][1], blo = stack[top][2], bhi = stack[top][3];
        size_t i, j, k;
        longest_match(&m, alo, ahi, blo, bhi, &i, &j, &k);
        if (!k)
            continue;
        matched += k;
        if (top + 2 > cap)
            stack = px_xrealloc(stack, (cap *= 2) * sizeof *stack);
        if (alo < i && blo < j)
            stack[top][0] = alo, stack[top][1] = i, stack[top][2] = blo, stack[top][3] = j, top++;
        if (i + k < ahi && j + k < bhi)
            stack[top][0] = i + k, stack[top][1] = ahi, stack[top][2] = j + k, stack[top][3] = bhi,
            top++;
    }
    free(stack);
    free(m.b2j), free(m.len), free(m.newlen), free(m.touched), free(m.newtouched);
    return 2.0 * (double)matched / (double)(a->n + b->n);
}

static int
cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

/* Sorted distinct ids of a word list (caller frees). */
static int *
word_set(const struct words *w, size_t *n)
{
    int *s = px_xmalloc((w->n + 1) * sizeof *s);
    if (w->n)
        memcpy(s, w->w, w->n * sizeof *s);
    qsort(s, w->n, sizeof *s, cmp_int);
    size_t k = 0;
    for (size_t i = 0; i < w->n; i++)
        if (k == 0 || s[k - 1] != s[i])
            s[k++] = s[i];
    *n = k;
    return s;
}

static double
jaccard(const struct words *a, const struct words *b)
{
    size_t na, nb, inter = 0;
    int *sa = word_set(a, &na), *sb = word_set(b, &nb);
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (sa[i] == sb[j])
            inter++, i++, j++;
        else if (sa[i] < sb[j])
            i++;
        else
            j++;
    }
    free(sa);
    free(sb);
    size_t uni = na + nb - inter;
    return uni ? (double)inter / (double)uni : 0;
}

/* ---- tallies and error lines
 * ------------------------------------------------------------- */

struct ctx {
    struct px_eval *ev;
    struct intern in;
};

struct task {
    json_t *j;
    struct words w;
    char *ord; /* str(ordinal).rstrip("."), or NULL */
};

static void
tally(struct px_eval *ev, enum px_eval_field f, long tp, long fp, long fn)
{
    ev->field[f].tp += tp;
    ev->field[f].fp += fp;
    ev->field[f].fn += fn;
}

/* Take over a finished error line. */
static void
add_error(struct px_eval *ev, struct px_buf *line)
{
    if (ev->nerrors == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 64;
        ev->errors = px_xrealloc(ev->errors, ev->cap * sizeof *ev->errors);
    }
    ev->errors[ev->nerrors++] = px_buf_detach(line, NULL);
}

static int
truthy(const json_t *v)
{
    if (!v || json_is_false(v))
        return 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    if (json_is_real(v))
        return json_real_value(v) != 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    return !json_is_object(v) || json_object_size(v) > 0;
}

/* "{doc} task {origin} {ordinal or the first six words}" (or "extra task"). */
static void
where_of(struct ctx *c, struct px_buf *b, const char *doc, const char *what, const struct task *t)
{
    char *origin = py_str(get(t->j, "origin"));
    px_buf_printf(b, "%s %s %s ", doc, what, origin ? origin : "None");
    free(origin);
    json_t *ord = get(t->j, "ordinal");
    if (truthy(ord)) {
        char *s = py_str(ord);
        px_buf_puts(b, s);
        free(s);
        return;
    }
    for (size_t i = 0; i < t->w.n && i < WHERE_WORDS; i++)
        px_buf_printf(b, "%s%s", i ? " " : "", c->in.keys[t->w.w[i]]);
}

static int
cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort k heap strings and free the duplicates; returns how many stay. */
static size_t
sort_unique(char **s, size_t k)
{
    if (k)
        qsort(s, k, sizeof *s, cmp_cstr);
    size_t w = 0;
    for (size_t i = 0; i < k; i++) {
        if (w && !strcmp(s[w - 1], s[i]))
            free(s[i]);
        else
            s[w++] = s[i];
    }
    return w;
}

/* Sorted distinct norm() of a list's items; None items become "\1" (they sort
 * first). */
static char **
norm_set(const json_t *list, size_t *n)
{
    size_t k = json_is_array(list) ? json_array_size(list) : 0;
    char **s = px_xmalloc((k + 1) * sizeof *s);
    for (size_t i = 0; i < k; i++) {
        char *v = norm_json(get_item(list, i));
        s[i] = v ? v : px_xstrdup("\1");
    }
    *n = sort_unique(s, k);
    return s;
}

static void
free_strs(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

static int
contains(char *const *s, size_t n, const char *v)
{
    return bsearch(&v, s, n, sizeof *s, cmp_cstr) != NULL;
}

/* "[a, b]": the items of a that are not in b, as a Python list repr. */
static long
put_difference(struct px_buf *out, char *const *a, size_t na, char *const *b, size_t nb)
{
    long k = 0;
    px_buf_putc(out, '[');
    for (size_t i = 0; i < na; i++) {
        if (contains(b, nb, a[i]))
            continue;
        if (k++)
            px_buf_puts(out, ", ");
        py_repr_opt(out, strcmp(a[i], "\1") ? a[i] : NULL);
    }
    px_buf_putc(out, ']');
    return k;
}

/* score_set(): set overlap of two lists after norm(). */
static void
score_set(struct ctx *c, enum px_eval_field f, const json_t *gold, const json_t *pred,
          const char *where)
{
    size_t ng, np;
    char **g = norm_set(gold, &ng), **p = norm_set(pred, &np);
    struct px_buf line = PX_BUF_INIT;
    px_buf_printf(&line, "%s: missing ", where);
    long fn = put_difference(&line, g, ng, p, np);
    px_buf_puts(&line, " extra ");
    long fp = put_difference(&line, p, np, g, ng);
    tally(c->ev, f, (long)ng - fn, fp, fn);
    if ((fp || fn) && c->ev->want_errors)
        add_error(c->ev, &line);
    px_buf_release(&line);
    free_strs(g, ng);
    free_strs(p, np);
}

/* score_scalar(): ok decided by the caller; gold/pred already as repr() text.
 */
static void
score_scalar(struct ctx *c, enum px_eval_field f, int ok, int pred_present, const char *where,
             const char *gold_repr, const char *pred_repr)
{
    if (ok) {
        tally(c->ev, f, 1, 0, 0);
        return;
    }
    tally(c->ev, f, 0, pred_present, 1);
    if (!c->ev->want_errors)
        return;
    struct px_buf line = PX_BUF_INIT;
    px_buf_printf(&line, "%s: gold %s got %s", where, gold_repr, pred_repr);
    add_error(c->ev, &line);
}

/* A scalar compared after norm() (document fields). */
static void
score_norm(struct ctx *c, enum px_eval_field f, const json_t *gold, const json_t *pred,
           const char *where)
{
    char *g = norm_json(gold), *p = norm_json(pred);
    struct px_buf gr = PX_BUF_INIT, pr = PX_BUF_INIT;
    py_repr_opt(&gr, g);
    py_repr_opt(&pr, p);
    score_scalar(c, f, g && p && !strcmp(g, p), p != NULL, where, gr.ptr, pr.ptr);
    px_buf_release(&gr);
    px_buf_release(&pr);
    free(g);
    free(p);
}

/* A text compared by words (text_same). */
static void
score_text(struct ctx *c, enum px_eval_field f, const json_t *gold, const json_t *pred,
           const char *where)
{
    struct words g = words_of(&c->in, gold), p = words_of(&c->in, pred);
    int ok = words_equal(&g, &p, SIZE_MAX) || seq_ratio(&g, &p) >= TEXT_OK;
    struct px_buf gr = PX_BUF_INIT, pr = PX_BUF_INIT;
    py_repr(&gr, gold);
    py_repr(&pr, pred);
    score_scalar(c, f, ok, pred != NULL, where, gr.ptr, pr.ptr);
    px_buf_release(&gr);
    px_buf_release(&pr);
    free(g.w);
    free(p.w);
}

/* deadline_key() as (repr of kind, repr of (start, end, every)); 0 when the
 * deadline is None. */
static int
deadline_key(const json_t *d, struct px_buf *kind, struct px_buf *dates)
{
    if (!d)
        return 0;
    json_t *k = json_is_object(d) ? get(d, "kind") : NULL;
    if (truthy(k))
        py_repr(kind, k);
    else
        py_repr_str(kind, "unknown");
    static const char *const parts[] = {"start", "end", "every"};
    px_buf_putc(dates, '(');
    for (size_t i = 0; i < 3; i++) {
        if (i)
            px_buf_puts(dates, ", ");
        py_repr(dates, json_is_object(d) ? get(d, parts[i]) : NULL);
    }
    px_buf_putc(dates, ')');
    return 1;
}

static void
score_deadline(struct ctx *c, const json_t *gold, const json_t *pred, const char *where)
{
    struct px_buf gk = PX_BUF_INIT, gd = PX_BUF_INIT, pk = PX_BUF_INIT, pd = PX_BUF_INIT;
    struct px_buf w = PX_BUF_INIT;
    if (deadline_key(gold, &gk, &gd)) {
        int has = deadline_key(pred, &pk, &pd);
        if (!has) {
            px_buf_puts(&pk, "None");
            px_buf_puts(&pd, "None");
        }
        px_buf_printf(&w, "%s deadline.kind", where);
        score_scalar(c, PX_EV_TASK_DL_KIND, has && !strcmp(gk.ptr, pk.ptr), has, w.ptr, gk.ptr,
                     pk.ptr);
        px_buf_clear(&w);
        px_buf_printf(&w, "%s deadline", where);
        score_scalar(c, PX_EV_TASK_DL_DATES, has && !strcmp(gd.ptr, pd.ptr), has, w.ptr, gd.ptr,
                     pd.ptr);
    }
    px_buf_release(&gk), px_buf_release(&gd), px_buf_release(&pk), px_buf_release(&pd);
    px_buf_release(&w);
}

/* Every field of one gold task against its pair (pred NULL: not found). */
static void
score_task(struct ctx *c, const char *doc, const struct task *g, const struct task *p)
{
    struct px_buf where = PX_BUF_INIT, w = PX_BUF_INIT;
    where_of(c, &where, doc, "task", g);
    if (!p) {
        tally(c->ev, PX_EV_TASK_FOUND, 0, 0, 1);
        if (c->ev->want_errors) {
            px_buf_printf(&w, "%s: not found", where.ptr);
            add_error(c->ev, &w);
        }
    } else {
        tally(c->ev, PX_EV_TASK_FOUND, 1, 0, 0);
    }
    const json_t *pj = p ? p->j : NULL;
    px_buf_printf(&w, "%s text", where.ptr);
    score_text(c, PX_EV_TASK_TEXT, get(g->j, "text"), get(pj, "text"), w.ptr);
    if (get(g->j, "product")) {
        px_buf_clear(&w);
        px_buf_printf(&w, "%s product", where.ptr);
        score_text(c, PX_EV_TASK_PRODUCT, get(g->j, "product"), get(pj, "product"), w.ptr);
    }
    px_buf_clear(&w);
    px_buf_printf(&w, "%s leads", where.ptr);
    score_set(c, PX_EV_TASK_LEADS, get(g->j, "leads"), get(pj, "leads"), w.ptr);
    if (get(g->j, "partners")) {
        px_buf_clear(&w);
        px_buf_printf(&w, "%s partners", where.ptr);
        score_set(c, PX_EV_TASK_PARTNERS, get(g->j, "partners"), get(pj, "partners"), w.ptr);
    }
    score_deadline(c, get(g->j, "deadline"), get(pj, "deadline"), where.ptr);
    px_buf_release(&where);
    px_buf_release(&w);
}

/* ---- pairing (score.py pair_tasks)
 * ------------------------------------------------------- */

static char *
ordinal_key(const json_t *t)
{
    char *s = py_str(get(t, "ordinal"));
    if (s) {
        size_t n = strlen(s);
        while (n && s[n - 1] == '.')
            s[--n] = '\0';
    }
    return s;
}

static void
task_prepare(struct ctx *c, struct task *t, json_t *j)
{
    t->j = j;
    t->w = words_of(&c->in, get(j, "text"));
    t->ord = ordinal_key(j);
}

/* Candidates for gold g among unused pred tasks, in pred order. */
static size_t
candidates(const struct task *g, const struct task *p, size_t np, const char *used, size_t *out)
{
    size_t n = 0;
    int by_ord = is_str(get(g->j, "origin"), "appendix") && g->ord;
    for (size_t i = 0; i < np; i++) {
        if (used[i])
            continue;
        if (by_ord
                ? is_str(get(p[i].j, "origin"), "appendix") && p[i].ord && !strcmp(p[i].ord, g->ord)
                : words_equal(&g->w, &p[i].w, HEAD_WORDS))
            out[n++] = i;
    }
    return n;
}

/* Same opening words: the closest whole text first (a stable sort, like
 * Python's). */
static void
sort_by_ratio(const struct task *g, const struct task *p, size_t *cand, size_t n)
{
    double *r = px_xmalloc(n * sizeof *r);
    for (size_t i = 0; i < n; i++)
        r[i] = seq_ratio(&g->w, &p[cand[i]].w);
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && r[k] > r[k - 1]; k--) {
            double tr = r[k];
            r[k] = r[k - 1], r[k - 1] = tr;
            size_t tc = cand[k];
            cand[k] = cand[k - 1], cand[k - 1] = tc;
        }
    free(r);
}

static int
same_json(const json_t *a, const json_t *b)
{
    return (!a && !b) || (a && b && json_equal((json_t *)a, (json_t *)b));
}

/* The most similar unused pred task of the same origin, above FALLBACK_MIN; -1
 * if none. */
static long
fallback(const struct task *g, const struct task *p, size_t np, const char *used)
{
    long best = -1;
    double best_j = FALLBACK_MIN;
    for (size_t i = 0; i < np; i++) {
        if (used[i] || !same_json(get(p[i].j, "origin"), get(g->j, "origin")))
            continue;
        double j = jaccard(&g->w, &p[i].w);
        if (j > best_j)
            best = (long)i, best_j = j;
    }
    return best;
}

/* Pair and score the tasks of one document. */
static void
score_tasks(struct ctx *c, const char *doc, struct task *g, size_t ng, struct task *p, size_t np)
{
    char *used = px_xcalloc(np + 1, 1);
    size_t *cand = px_xmalloc((np + 1) * sizeof *cand);
    size_t *rest = px_xmalloc((ng + 1) * sizeof *rest), nrest = 0;
    for (size_t k = 0; k < ng; k++) {
        size_t n = candidates(&g[k], p, np, used, cand);
        if (n > 1)
            sort_by_ratio(&g[k], p, cand, n);
        if (n) {
            used[cand[0]] = 1;
            score_task(c, doc, &g[k], &p[cand[0]]);
        } else {
            rest[nrest++] = k;
        }
    }
    for (size_t r = 0; r < nrest; r++) {
        long best = fallback(&g[rest[r]], p, np, used);
        if (best >= 0)
            used[best] = 1;
        score_task(c, doc, &g[rest[r]], best >= 0 ? &p[best] : NULL);
    }
    for (size_t i = 0; i < np; i++) {
        if (used[i])
            continue;
        tally(c->ev, PX_EV_TASK_FOUND, 0, 1, 0);
        if (c->ev->want_errors) {
            struct px_buf w = PX_BUF_INIT;
            where_of(c, &w, doc, "extra task", &p[i]);
            add_error(c->ev, &w);
        }
    }
    free(used);
    free(cand);
    free(rest);
}

/* ---- targets
 * -----------------------------------------------------------------------------
 */

/* num() of target_key: None, a float rounded to 4 places, or str(x). */
static void
put_num(struct px_buf *b, const json_t *v)
{
    double x;
    char *end = NULL;
    if (!v) {
        px_buf_puts(b, "None");
        return;
    }
    if (json_is_number(v) || json_is_boolean(v)) {
        x = json_is_boolean(v) ? json_is_true(v) : json_number_value(v);
    } else {
        char *s = py_str(v);
        x = strtod(s, &end);
        while (*end == ' ' || *end == '\t' || *end == '\n') /* strtod always sets end */
            end++;
        if (end == s || *end) {
            py_repr_str(b, s);
            free(s);
            return;
        }
        free(s);
    }
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%.4f", x); /* exact decimal rounding, like Python's round() */
    x = strtod(tmp, NULL);
    py_float_repr(b, x == 0 ? 0.0 : x);
}

/* target_key() as the repr of its tuple: equal keys have equal reprs, and
 * score.py sorts by str. */
static char *
target_key(const json_t *t)
{
    struct px_buf b = PX_BUF_INIT;
    px_buf_putc(&b, '(');
    py_repr(&b, get(t, "metric"));
    px_buf_puts(&b, ", ");
    py_repr(&b, get(t, "cmp"));
    px_buf_puts(&b, ", ");
    put_num(&b, get(t, "value"));
    px_buf_puts(&b, ", ");
    put_num(&b, get(t, "value2"));
    px_buf_puts(&b, ", ");
    char *unit = norm_json(get(t, "unit"));
    py_repr_opt(&b, unit);
    free(unit);
    px_buf_putc(&b, ')');
    return px_buf_detach(&b, NULL);
}

static char **
target_set(json_t **recs, size_t n, size_t *nout)
{
    char **s = px_xmalloc((n + 1) * sizeof *s);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (is_str(get(recs[i], "type"), "target"))
            s[k++] = target_key(recs[i]);
    *nout = sort_unique(s, k);
    return s;
}

static long
target_errors(struct ctx *c, const char *doc, const char *what, char **a, size_t na, char **b,
              size_t nb)
{
    long k = 0;
    for (size_t i = 0; i < na; i++) {
        if (contains(b, nb, a[i]))
            continue;
        k++;
        if (c->ev->want_errors) {
            struct px_buf line = PX_BUF_INIT;
            px_buf_printf(&line, "%s target %s %s", doc, what, a[i]);
            add_error(c->ev, &line);
        }
    }
    return k;
}

static void
score_targets(struct ctx *c, const char *doc, json_t **g, size_t ng, json_t **p, size_t np)
{
    size_t kg, kp;
    char **sg = target_set(g, ng, &kg), **sp = target_set(p, np, &kp);
    long fn = target_errors(c, doc, "missing", sg, kg, sp, kp);
    long fp = target_errors(c, doc, "extra", sp, kp, sg, kg);
    tally(c->ev, PX_EV_TARGET, (long)kg - fn, fp, fn);
    free_strs(sg, kg);
    free_strs(sp, kp);
}

/* ---- documents
 * ---------------------------------------------------------------------------
 */

static const char *const doc_fields[] = {"kind", "number", "issuer", "province", "issued"};

static void
score_document(struct ctx *c, const char *doc, const json_t *g, const json_t *p)
{
    struct px_buf w = PX_BUF_INIT;
    for (size_t f = 0; f < sizeof doc_fields / sizeof doc_fields[0]; f++) {
        if (!get(g, doc_fields[f]))
            continue;
        px_buf_clear(&w);
        px_buf_printf(&w, "%s document.%s", doc, doc_fields[f]);
        score_norm(c, (enum px_eval_field)(PX_EV_DOC_KIND + f), get(g, doc_fields[f]),
                   get(p, doc_fields[f]), w.ptr);
    }
    px_buf_clear(&w);
    px_buf_printf(&w, "%s document.implements", doc);
    score_set(c, PX_EV_DOC_IMPLEMENTS, get(g, "implements"), get(p, "implements"), w.ptr);
    px_buf_release(&w);
}

/* The records of one document (borrowed pointers into the array). */
static json_t **
records_of(json_t *all, const char *doc, size_t *n)
{
    size_t k = 0, total = json_array_size(all);
    json_t **out = px_xmalloc((total + 1) * sizeof *out);
    for (size_t i = 0; i < total; i++) {
        json_t *r = json_array_get(all, i);
        if (is_str(get(r, "doc"), doc))
            out[k++] = r;
    }
    *n = k;
    return out;
}

static json_t *
first_of_type(json_t **recs, size_t n, const char *type)
{
    for (size_t i = 0; i < n; i++)
        if (is_str(get(recs[i], "type"), type))
            return recs[i];
    return NULL;
}

static struct task *
tasks_of(struct ctx *c, json_t **recs, size_t n, size_t *nt)
{
    struct task *t = px_xcalloc(n + 1, sizeof *t);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (is_str(get(recs[i], "type"), "task"))
            task_prepare(c, &t[k++], recs[i]);
    *nt = k;
    return t;
}

static void
tasks_free(struct task *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].w.w);
        free(t[i].ord);
    }
    free(t);
}

static void
score_doc(struct ctx *c, const char *doc, json_t *gold, json_t *pred)
{
    size_t ng, np, ngt, npt;
    json_t **g = records_of(gold, doc, &ng), **p = records_of(pred, doc, &np);
    json_t *gd = first_of_type(g, ng, "document");
    if (gd)
        score_document(c, doc, gd, first_of_type(p, np, "document"));
    struct task *gt = tasks_of(c, g, ng, &ngt), *pt = tasks_of(c, p, np, &npt);
    score_tasks(c, doc, gt, ngt, pt, npt);
    score_targets(c, doc, g, ng, p, np);
    tasks_free(gt, ngt);
    tasks_free(pt, npt);
    free(g);
    free(p);
}

static int
in_filter(const char *docs, const char *doc)
{
    if (!docs)
        return 1;
    size_t n = strlen(doc);
    for (const char *s = docs; *s;) {
        const char *e = strchr(s, ',');
        size_t k = e ? (size_t)(e - s) : strlen(s);
        if (k == n && !strncmp(s, doc, n))
            return 1;
        s += k + (e != NULL);
    }
    return 0;
}

/* Sorted distinct doc keys of the gold, after the filter (caller frees the
 * array only). */
static const char **
gold_docs(json_t *gold, const char *filter, size_t *n)
{
    size_t total = json_array_size(gold), k = 0;
    const char **d = px_xmalloc((total + 1) * sizeof *d);
    for (size_t i = 0; i < total; i++) {
        json_t *v = get(json_array_get(gold, i), "doc");
        if (json_is_string(v) && in_filter(filter, json_string_value(v)))
            d[k++] = json_string_value(v);
    }
    if (k)
        qsort(d, k, sizeof *d, cmp_cstr);
    size_t w = 0;
    for (size_t i = 0; i < k; i++)
        if (!w || strcmp(d[w - 1], d[i]))
            d[w++] = d[i];
    *n = w;
    return d;
}

int
px_eval_run(struct px_eval *ev, json_t *gold, json_t *pred, const char *docs, int want_errors,
            struct px_diag *dg)
{
    memset(ev, 0, sizeof *ev);
    ev->want_errors = want_errors;
    UErrorCode err = U_ZERO_ERROR;
    unorm2_getNFCInstance(&err);
    if (U_FAILURE(err))
        return px_error(dg, "cannot load the NFC normaliser: %s", u_errorName(err));
    struct ctx c = {ev, {0}};
    size_t n;
    const char **d = gold_docs(gold, docs, &n);
    for (size_t i = 0; i < n; i++)
        score_doc(&c, d[i], gold, pred);
    ev->ndocs = n;
    free(d);
    intern_release(&c.in);
    return 0;
}

void
px_eval_release(struct px_eval *ev)
{
    for (size_t i = 0; i < ev->nerrors; i++)
        free(ev->errors[i]);
    free(ev->errors);
    ev->errors = NULL;
    ev->nerrors = ev->cap = 0;
}

/* ---- results
 * -----------------------------------------------------------------------------
 */

void
px_eval_prf(const struct px_eval_tally *t, double *p, double *r, double *f)
{
    *p = t->tp + t->fp ? (double)t->tp / (double)(t->tp + t->fp) : 1.0;
    *r = t->tp + t->fn ? (double)t->tp / (double)(t->tp + t->fn) : 1.0;
    *f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0.0;
}

void
px_eval_micro(const struct px_eval *ev, struct px_eval_tally *total)
{
    memset(total, 0, sizeof *total);
    for (int i = 0; i < PX_EV_NFIELDS; i++) {
        if (i == PX_EV_TASK_FOUND)
            continue;
        total->tp += ev->field[i].tp;
        total->fp += ev->field[i].fp;
        total->fn += ev->field[i].fn;
    }
}

void
px_eval_print(FILE *f, const struct px_eval *ev)
{
    for (size_t i = 0; i < ev->nerrors; i++)
        fprintf(f, "%s\n", ev->errors[i]);
    if (ev->nerrors)
        fputc('\n', f);
    fprintf(f, "%-24s %5s %5s %5s %6s %6s %6s\n", "field", "tp", "fp", "fn", "prec", "rec", "f1");
    double p, r, F;
    for (int i = 0; i < PX_EV_NFIELDS; i++) {
        const struct px_eval_tally *t = &ev->field[i];
        px_eval_prf(t, &p, &r, &F);
        fprintf(f, "%-24s %5ld %5ld %5ld %6.3f %6.3f %6.3f\n", field_names[i], t->tp, t->fp, t->fn,
                p, r, F);
    }
    struct px_eval_tally total;
    px_eval_micro(ev, &total);
    px_eval_prf(&total, &p, &r, &F);
    fprintf(f, "documents %zu  micro precision %.3f recall %.3f\n", ev->ndocs, p, r);
    fprintf(f, "micro-F1 %.3f\n", F);
}

static void
put_prf_json(struct px_buf *b, double p, double r, double f)
{
    px_buf_puts(b, "\"p\": ");
    py_float_repr(b, p);
    px_buf_puts(b, ", \"r\": ");
    py_float_repr(b, r);
    px_buf_puts(b, ", \"f1\": ");
    py_float_repr(b, f);
}

/* json.dumps() with its default separators, floats as repr(). */
void
px_eval_print_json(FILE *f, const struct px_eval *ev)
{
    struct px_buf b = PX_BUF_INIT;
    double p, r, F;
    px_buf_puts(&b, "{\"fields\": {");
    for (int i = 0; i < PX_EV_NFIELDS; i++) {
        const struct px_eval_tally *t = &ev->field[i];
        px_eval_prf(t, &p, &r, &F);
        px_buf_printf(&b, "%s\"%s\": {\"tp\": %ld, \"fp\": %ld, \"fn\": %ld, ", i ? ", " : "",
                      field_names[i], t->tp, t->fp, t->fn);
        put_prf_json(&b, p, r, F);
        px_buf_putc(&b, '}');
    }
    struct px_eval_tally total;
    px_eval_micro(ev, &total);
    px_eval_prf(&total, &p, &r, &F);
    px_buf_puts(&b, "}, \"micro\": {");
    put_prf_json(&b, p, r, F);
    px_buf_puts(&b, "}}\n");
    fputs(b.ptr, f);
    px_buf_release(&b);
}

/* ---- reading JSON Lines
 * ------------------------------------------------------------------ */

int
px_eval_parse_jsonl(const char *name, const char *data, size_t len, json_t *records,
                    struct px_diag *dg)
{
    long line = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        line++;
        size_t a = i, z = end;
        while (a < z && (data[a] == ' ' || data[a] == '\t' || data[a] == '\r'))
            a++;
        while (z > a && (data[z - 1] == ' ' || data[z - 1] == '\t' || data[z - 1] == '\r'))
            z--;
        i = end + 1;
        if (a == z)
            continue;
        json_error_t je;
        json_t *v = json_loadb(data + a, z - a, 0, &je);
        if (!v) {
            px_diag_report(dg, PX_ERROR, name, line, je.column, "not JSON: %s", je.text);
            return -1;
        }
        json_array_append_new(records, v);
    }
    return 0;
}

static int
load_file(const char *path, json_t *records, struct px_diag *dg)
{
    struct px_buf b = PX_BUF_INIT;
    if (px_read_file(path, &b) < 0) {
        px_diag_report(dg, PX_ERROR, path, 0, 0, "cannot read the file: %s", strerror(errno));
        return -1;
    }
    int rc = px_eval_parse_jsonl(path, b.ptr, b.len, records, dg);
    px_buf_release(&b);
    return rc;
}

/* Code point order, like Python's sorted(): alphasort would follow the locale.
 */
static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int
is_jsonl(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && !strcmp(name + n - 6, ".jsonl");
}

int
px_eval_load_jsonl(const char *path, json_t *records, struct px_diag *dg)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        struct dirent **names;
        int n = scandir(path, &names, NULL, by_name);
        if (n < 0) {
            px_diag_report(dg, PX_ERROR, path, 0, 0, "cannot read the directory: %s",
                           strerror(errno));
            return -1;
        }
        int rc = 0;
        for (int i = 0; i < n; i++) {
            if (rc == 0 && is_jsonl(names[i]->d_name)) {
                struct px_buf p = PX_BUF_INIT;
                px_buf_printf(&p, "%s/%s", path, names[i]->d_name);
                rc = load_file(p.ptr, records, dg);
                px_buf_release(&p);
            }
            free(names[i]);
        }
        free(names);
        return rc;
    }
    return load_file(path, records, dg);
}

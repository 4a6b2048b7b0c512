/*
 * deadline — deadlines from the deadline.* rules (deadline.h).
 */
#include "deadline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One match being turned into a deadline. */
struct ctx {
    const struct px_ruleset *rs;
    const struct px_rule *r;
    const struct px_match *m;
    const char *key; /* key text of the subject */
    size_t keylen;
    int doc_year;
};

static int
group_int(const struct ctx *c, const char *name, int *out)
{
    struct px_str s;
    if (!px_match_group(c->r, c->m, c->key, name, &s) || s.len == 0 || s.len > 4)
        return 0;
    int v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
        v = v * 10 + (s.p[i] - '0');
    }
    *out = v;
    return 1;
}

/* The first plausible year written at or after key offset from. */
static int
year_after(const struct ctx *c, size_t from)
{
    const char *k = c->key;
    for (size_t i = from; i + 4 <= c->keylen; i++) {
        if (i > 0 && k[i - 1] >= '0' && k[i - 1] <= '9')
            continue;
        int ok = (k[i] == '1' && k[i + 1] == '9') || (k[i] == '2' && k[i + 1] == '0');
        for (size_t j = 2; ok && j < 4; j++)
            ok = k[i + j] >= '0' && k[i + j] <= '9';
        if (ok && (i + 4 == c->keylen || k[i + 4] < '0' || k[i + 4] > '9'))
            return (k[i] - '0') * 1000 + (k[i + 1] - '0') * 100 + (k[i + 2] - '0') * 10 +
                   (k[i + 3] - '0');
    }
    return 0;
}

/* The year of the match: its y group, else the next year written, else the document's. */
static int
year_of(const struct ctx *c)
{
    int y;
    if (group_int(c, "y", &y))
        return y;
    y = year_after(c, c->m->end);
    return y ? y : c->doc_year;
}

static int
days_in(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Write an ISO date; -1 when it is not a date. */
static int
iso(char out[11], int y, int m, int d)
{
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days_in(y, m))
        return -1;
    char tmp[32]; /* roomy: the compiler cannot see that y, m, d are in range */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
    return 0;
}

static int
span_months(struct px_deadline *o, int y, int m1, int m2)
{
    if (m1 < 1 || m2 > 12)
        return -1;
    return iso(o->start, y, m1, 1) || iso(o->end, y, m2, days_in(y, m2)) ? -1 : 0;
}

/* ---- calc: how groups become start/end ---- */

static int
calc_none(const struct ctx *c, struct px_deadline *o)
{
    return 0;
}

static int
calc_date(const struct ctx *c, struct px_deadline *o)
{
    int d, m;
    if (!group_int(c, "d", &d) || !group_int(c, "m", &m))
        return -1;
    return iso(o->end, year_of(c), m, d);
}

/* "Trước tháng 12/2025": the last day of the month before. */
static int
calc_before_month(const struct ctx *c, struct px_deadline *o)
{
    int m, y;
    if (!group_int(c, "m", &m) || m < 1 || m > 12)
        return -1;
    y = year_of(c);
    if (m == 1)
        return iso(o->end, y - 1, 12, 31);
    return iso(o->end, y, m - 1, days_in(y > 0 ? y : 2001, m - 1));
}

static int
calc_month(const struct ctx *c, struct px_deadline *o)
{
    int m;
    if (!group_int(c, "m", &m))
        return -1;
    return span_months(o, year_of(c), m, m);
}

static int
quarter_number(const char *p, size_t len)
{
    static const char *const roman[] = {"i", "ii", "iii", "iv"};
    for (int q = 0; q < 4; q++)
        if (strlen(roman[q]) == len && strncmp(p, roman[q], len) == 0)
            return q + 1;
    if (len == 1 && *p >= '1' && *p <= '4')
        return *p - '0';
    return 0;
}

static int
calc_quarter(const struct ctx *c, struct px_deadline *o)
{
    struct px_str s;
    int q = px_match_group(c->r, c->m, c->key, "q", &s) ? quarter_number(s.p, s.len) : 0;
    if (q == 0)
        return -1;
    return span_months(o, year_of(c), 3 * q - 2, 3 * q);
}

/* "Từ quý III/2026 đến quý II/2027": the first day of one quarter to the last of the
 * other; a first quarter without its year takes the second one's. */
static int
calc_quarters(const struct ctx *c, struct px_deadline *o)
{
    struct px_str s;
    int q = px_match_group(c->r, c->m, c->key, "q", &s) ? quarter_number(s.p, s.len) : 0;
    int q2 = px_match_group(c->r, c->m, c->key, "q2", &s) ? quarter_number(s.p, s.len) : 0;
    int y, y2;
    if (q == 0 || q2 == 0)
        return -1;
    if (!group_int(c, "y2", &y2))
        y2 = c->doc_year;
    if (!group_int(c, "y", &y))
        y = y2;
    if (y > y2 || (y == y2 && q > q2))
        return -1;
    return iso(o->start, y, 3 * q - 2, 1) || iso(o->end, y2, 3 * q2, days_in(y2, 3 * q2)) ? -1 : 0;
}

static int
calc_half(const struct ctx *c, struct px_deadline *o)
{
    struct px_str s;
    if (!px_match_group(c->r, c->m, c->key, "h", &s))
        return -1;
    int second = s.len == strlen("cuối") && memcmp(s.p, "cuối", s.len) == 0;
    return span_months(o, year_of(c), second ? 7 : 1, second ? 12 : 6);
}

static int
calc_year(const struct ctx *c, struct px_deadline *o)
{
    return span_months(o, year_of(c), 1, 12);
}

static int
calc_years(const struct ctx *c, struct px_deadline *o)
{
    int y, y2;
    if (!group_int(c, "y", &y) || !group_int(c, "y2", &y2) || y2 < y)
        return -1;
    return iso(o->start, y, 1, 1) || iso(o->end, y2, 12, 31) ? -1 : 0;
}

/* "Đến cuối năm 2026": no start, the end of that year. */
static int
calc_by_year_end(const struct ctx *c, struct px_deadline *o)
{
    return iso(o->end, year_of(c), 12, 31);
}

/* "Hàng năm, bắt đầu từ năm 2026": start only where a year is written. */
static int
calc_start_year(const struct ctx *c, struct px_deadline *o)
{
    int y;
    if (group_int(c, "y", &y))
        return iso(o->start, y, 1, 1);
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(const struct ctx *, struct px_deadline *);
} calcs[] = {
    {"none", calc_none},
    {"date", calc_date},
    {"before-month", calc_before_month},
    {"month", calc_month},
    {"quarter", calc_quarter},
    {"quarters", calc_quarters},
    {"half", calc_half},
    {"year", calc_year},
    {"years", calc_years},
    {"by-year-end", calc_by_year_end},
    {"start-year", calc_start_year},
};

static const struct {
    const char *name;
    enum px_deadline_kind kind;
} kinds[] = {
    {"date", PX_DL_DATE},
    {"period", PX_DL_PERIOD},
    {"recurring", PX_DL_RECURRING},
    {"continuous", PX_DL_CONTINUOUS},
    {"as_required", PX_DL_AS_REQUIRED},
};

/* The every value of the frequency words w (the @every.* records), or NULL. */
static const char *
every_of_words(const struct px_ruleset *rs, const char *w, size_t len)
{
    for (size_t i = 0; i < rs->n; i++) {
        const struct px_rule *r = &rs->rules[i];
        if (!px_rule_in(r, "every."))
            continue;
        size_t k = 0;
        const char *word;
        while ((word = px_rule_next(r, "word", &k)) != NULL)
            if (strlen(word) == len && memcmp(word, w, len) == 0)
                return px_rule_get(r, "every");
    }
    return NULL;
}

/* Fill o from the match in c; -1 when the rule's groups do not make a deadline. */
static int
apply(const struct ctx *c, struct px_deadline *o)
{
    const char *kind = px_rule_get(c->r, "kind");
    const char *calc = px_rule_get(c->r, "calc");
    memset(o, 0, sizeof *o);
    o->kind = PX_DL_UNKNOWN;
    for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i].name, kind) == 0)
            o->kind = kinds[i].kind;
    if (o->kind == PX_DL_UNKNOWN)
        return -1;
    int (*fn)(const struct ctx *, struct px_deadline *) = calc ? NULL : calc_none;
    for (size_t i = 0; calc && i < sizeof calcs / sizeof *calcs; i++)
        if (strcmp(calcs[i].name, calc) == 0)
            fn = calcs[i].fn;
    if (!fn || fn(c, o) != 0)
        return -1;
    const char *open = px_rule_get(c->r, "open");
    if (open && strcmp(open, "start") == 0)
        o->start[0] = '\0'; /* "by the end of": the phrase sets no start */
    o->every = px_rule_get(c->r, "every");
    struct px_str w;
    if (!o->every && px_match_group(c->r, c->m, c->key, "every", &w))
        o->every = every_of_words(c->rs, w.p, w.len);
    o->rule = c->r->id;
    o->present = 1;
    return 0;
}

/* ---- searching ---- */

struct best {
    struct px_deadline d;
    size_t start, end; /* key offsets of the match (or of its raw group) */
    int found;
};

static size_t
next_char(const char *s, size_t len, size_t i)
{
    i++;
    while (i < len && (s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

static void
try_rule(const struct px_ruleset *rs, const struct px_rule *r, const char *key, size_t len,
         int doc_year, struct best *b)
{
    struct px_match m;
    size_t at = 0;
    /* key is key text: the rule's literals rule most subjects out unmatched */
    while (at <= len && px_rule_match_key(rs, r, NULL, key, len, at, &m) == 1) {
        if (b->found && m.start >= b->start)
            return; /* a match further right can never win */
        struct ctx c = {rs, r, &m, key, len, doc_year};
        struct px_deadline d;
        if (apply(&c, &d) == 0) {
            b->d = d;
            b->found = 1;
            b->start = m.start;
            b->end = m.end;
            struct px_str raw;
            if (px_match_group(r, &m, key, "raw", &raw)) {
                b->start = (size_t)(raw.p - key);
                b->end = b->start + raw.len;
            }
            return;
        }
        at = next_char(key, len, m.start);
    }
}

static int
search(const struct px_ruleset *rs, const char *key, size_t len, int doc_year, int text_only,
       struct best *b)
{
    memset(b, 0, sizeof *b);
    for (size_t i = 0; i < rs->n; i++) {
        const struct px_rule *r = &rs->rules[i];
        if (r->id[0] != 'd' || !px_rule_in(r, "deadline.")) /* first byte inline: most out */
            continue;
        const char *scope = text_only ? px_rule_get(r, "scope") : NULL;
        if (text_only && !(scope && strcmp(scope, "text") == 0))
            continue;
        try_rule(rs, r, key, len, doc_year, b);
    }
    return b->found;
}

int
px_deadline_parse(const struct px_ruleset *rs, struct px_normalizer *nz, const char *raw,
                  int doc_year, struct px_arena *a, struct px_deadline *out)
{
    struct px_buf key = PX_BUF_INIT;
    memset(out, 0, sizeof *out);
    if (px_normalize(nz, raw, strlen(raw), PX_NORM_KEY | PX_NORM_ONELINE, &key, NULL, NULL) != 0) {
        px_buf_release(&key);
        return -1;
    }
    struct best b;
    if (search(rs, key.ptr, key.len, doc_year, 0, &b))
        *out = b.d;
    out->present = 1;
    out->raw = px_arena_strdup(a, raw);
    px_buf_release(&key);
    return 0;
}

int
px_deadline_find_in_text(const struct px_ruleset *rs, struct px_normalizer *nz, const char *text,
                         size_t len, int doc_year, struct px_arena *a, struct px_deadline *out)
{
    struct px_buf key = PX_BUF_INIT;
    uint32_t *map = NULL;
    memset(out, 0, sizeof *out);
    if (px_normalize(nz, text, len, PX_NORM_KEY | PX_NORM_ONELINE, &key, &map, NULL) != 0) {
        px_buf_release(&key);
        return -1;
    }
    struct best b;
    int found = search(rs, key.ptr, key.len, doc_year, 1, &b);
    if (found) {
        *out = b.d;
        out->raw = px_arena_strndup(a, text + map[b.start], map[b.end] - map[b.start]);
        /* the key text's trailing spaces were dropped; so are the raw's */
        size_t n = strlen(out->raw);
        while (n > 0 && out->raw[n - 1] == ' ')
            out->raw[--n] = '\0';
    }
    free(map);
    px_buf_release(&key);
    return found;
}

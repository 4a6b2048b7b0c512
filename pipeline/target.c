/*
 * target — quantitative commitments found by the target.* rules (target.h).
 */
#include "target.h"

#include "sha256.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the metric list ---- */

static void
add_metric(struct px_target_finder *tf, const char *line, size_t len)
{
    const char *tab = memchr(line, '\t', len);
    if (!tab || tab == line)
        return;
    const char *u = tab + 1;
    const char *tab2 = memchr(u, '\t', len - (size_t)(u - line));
    size_t ulen = tab2 ? (size_t)(tab2 - u) : len - (size_t)(u - line);
    tf->metrics = px_xrealloc(tf->metrics, (tf->nmetrics + 1) * sizeof *tf->metrics);
    tf->metrics[tf->nmetrics].key = px_xstrndup(line, (size_t)(tab - line));
    tf->metrics[tf->nmetrics].unit = px_xstrndup(u, ulen);
    tf->nmetrics++;
}

static int
load_metrics(struct px_target_finder *tf, const char *path, struct px_diag *dg)
{
    struct px_buf text = PX_BUF_INIT;
    if (px_read_file(path, &text) != 0)
        return px_error(dg, "cannot read metric list '%s': %s", path, strerror(errno));
    px_sha256_hex(text.ptr, text.len, tf->metrics_digest);
    size_t i = 0;
    int header = 1;
    while (i < text.len) {
        const char *nl = memchr(text.ptr + i, '\n', text.len - i);
        size_t end = nl ? (size_t)(nl - text.ptr) : text.len;
        if (!header && end > i)
            add_metric(tf, text.ptr + i, end - i);
        header = 0;
        i = end + 1;
    }
    px_buf_release(&text);
    return 0;
}

static const char *
metric_unit(const struct px_target_finder *tf, const char *key)
{
    for (size_t i = 0; i < tf->nmetrics; i++)
        if (strcmp(tf->metrics[i].key, key) == 0)
            return tf->metrics[i].unit;
    return NULL;
}

/* ---- set-up ---- */

static void
check_rule(const struct px_target_finder *tf, const struct px_rule *r, int *bad, struct px_diag *dg)
{
    const char *metric = px_rule_get(r, "metric");
    const char *also;
    const char *why = NULL;
    if (!metric)
        why = "has no 'metric:'";
    else if (strncmp(metric, "other:", 6) != 0 && tf->nmetrics && !metric_unit(tf, metric))
        why = "names an unknown metric";
    else if (!px_rule_get(r, "unit") && !metric_unit(tf, metric))
        why = "has no unit (add 'unit:')";
    else if (r->nre == 0)
        why = "has no 'pattern:'";
    else if ((also = px_rule_get(r, "also")) != NULL && strncmp(also, "other:", 6) != 0 &&
             !metric_unit(tf, also))
        why = "names an unknown metric in 'also:'";
    if (why) {
        px_diag_report(dg, PX_ERROR, r->file, r->line, 0, "target rule '%s' %s", r->id, why);
        *bad = 1;
    }
}

/*
 * Can the rule only hit where the text has a decimal digit? A hit needs its
 * `value` group, so yes when every `(?<value>` of its patterns opens with
 * \d (a pattern without one gives no hit at all).
 */
static int
rule_needs_digit(const struct px_rule *r)
{
    static const char open[] = "(?<value>";
    const char *pat;
    size_t k = 0;

    while ((pat = px_rule_next(r, "pattern", &k)) != NULL) {
        if (strstr(pat, "(?P<value") || strstr(pat, "(?'value"))
            return 0; /* other spellings of a named group: not looked into */
        for (const char *p = strstr(pat, open); p; p = strstr(p + 1, open))
            if (strncmp(p + sizeof open - 1, "\\d", 2) != 0)
                return 0;
    }
    return 1;
}

int
px_target_finder_init(struct px_target_finder *tf, const struct px_ruleset *rs,
                      const char *metrics_tsv, struct px_diag *dg)
{
    memset(tf, 0, sizeof *tf);
    tf->rs = rs;
    if (metrics_tsv && load_metrics(tf, metrics_tsv, dg) != 0)
        return -1;
    tf->rules = px_xcalloc(rs->n + 1, sizeof *tf->rules);
    tf->cmpwords = px_xcalloc(rs->n + 1, sizeof *tf->cmpwords);
    tf->needs_digit = px_xcalloc(rs->n + 1, 1);
    tf->all_need_digit = 1;
    int bad = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const struct px_rule *r = &rs->rules[i];
        if (px_rule_in(r, "target.")) {
            check_rule(tf, r, &bad, dg);
            tf->needs_digit[tf->nrules] = (unsigned char)rule_needs_digit(r);
            tf->all_need_digit &= tf->needs_digit[tf->nrules];
            tf->rules[tf->nrules++] = r;
        } else if (px_rule_in(r, "targetcmp.")) {
            tf->cmpwords[tf->ncmp++] = r;
        }
    }
    tf->past = px_rules_find(rs, "targetpast");
    if (tf->past && tf->past->nre == 0 && !px_rule_get(tf->past, "word")) {
        px_diag_report(dg, PX_ERROR, tf->past->file, tf->past->line, 0,
                       "rule 'targetpast' has neither 'word:' nor 'pattern:'");
        bad = 1;
    }
    /* \d as the rules compile it (UTF, UCP: any decimal digit, Nd) */
    int err;
    PCRE2_SIZE off;
    tf->digit = pcre2_compile((PCRE2_SPTR) "\\d", PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
                              &err, &off, NULL);
    if (!tf->digit)
        return px_error(dg, "cannot compile the digit test (PCRE2 error %d)", err);
    (void)pcre2_jit_compile(tf->digit, PCRE2_JIT_COMPLETE);
    tf->digit_md = pcre2_match_data_create_from_pattern(tf->digit, NULL);
    return bad ? -1 : 0;
}

void
px_target_finder_release(struct px_target_finder *tf)
{
    for (size_t i = 0; i < tf->nmetrics; i++) {
        free(tf->metrics[i].key);
        free(tf->metrics[i].unit);
    }
    free(tf->metrics);
    free(tf->rules);
    free(tf->cmpwords);
    free(tf->needs_digit);
    pcre2_match_data_free(tf->digit_md);
    pcre2_code_free(tf->digit);
    memset(tf, 0, sizeof *tf);
}

/* ---- numbers and comparisons ---- */

int
px_target_parse_number(const char *s, size_t len, double *out)
{
    char tmp[32];
    if (len == 0 || len >= sizeof tmp)
        return -1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *slash = strchr(tmp, '/');
    for (char *p = tmp; *p; p++)
        if (*p == ',')
            *p = '.';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end == tmp || errno)
        return -1;
    if (slash) {
        if (end != slash)
            return -1;
        char *end2;
        double d = strtod(slash + 1, &end2);
        if (end2 == slash + 1 || *end2 || d == 0)
            return -1;
        v /= d;
    } else if (*end) {
        return -1;
    }
    *out = v;
    return 0;
}

/* The comparison named by the words of a cmp group, or NULL. */
static const char *
cmp_of_words(const struct px_target_finder *tf, const char *w, size_t len)
{
    for (size_t i = 0; i < tf->ncmp; i++) {
        const struct px_rule *r = tf->cmpwords[i];
        size_t k = 0;
        const char *word;
        while ((word = px_rule_next(r, "word", &k)) != NULL) {
            size_t wl = strlen(word);
            for (size_t at = 0; wl && at + wl <= len; at++)
                if (memcmp(w + at, word, wl) == 0)
                    return px_rule_get(r, "cmp");
        }
    }
    return NULL;
}

int
px_target_same(const struct px_target *a, const struct px_target *b)
{
    return strcmp(a->metric, b->metric) == 0 && strcmp(a->cmp, b->cmp) == 0 &&
           strcmp(a->unit, b->unit) == 0 && fabs(a->value - b->value) < 1e-9 &&
           a->has_value2 == b->has_value2 && (!a->has_value2 || fabs(a->value2 - b->value2) < 1e-9);
}

/* ---- finding ---- */

struct hitlist {
    struct px_target_hit *v;
    size_t n, cap;
    size_t (*claim)[2]; /* key-text span of each hit's figure(s) */
};

static int
claimed(const struct hitlist *hl, size_t a, size_t b)
{
    for (size_t i = 0; i < hl->n; i++)
        if (a < hl->claim[i][1] && hl->claim[i][0] < b)
            return 1;
    return 0;
}

struct subject {
    const char *text; /* the caller's text */
    size_t len;
    struct px_buf key;                 /* its key text */
    uint32_t *map;                     /* key offset -> text offset */
    const struct px_rule_probe *probe; /* of the key text */
};

/* Fill a hit from one match; 0 when the figure does not parse. */
static int
make_hit(const struct px_target_finder *tf, const struct px_rule *r, const struct px_match *m,
         const struct subject *sj, struct px_arena *a, struct px_target_hit *h)
{
    const char *k = sj->key.ptr;
    struct px_str v, v2, c;
    memset(h, 0, sizeof *h);
    if (!px_match_group(r, m, k, "value", &v) || px_target_parse_number(v.p, v.len, &h->t.value))
        return 0;
    h->t.has_value2 = px_match_group(r, m, k, "value2", &v2) &&
                      px_target_parse_number(v2.p, v2.len, &h->t.value2) == 0;
    const char *cmp = px_rule_get(r, "cmp");
    if (!cmp && h->t.has_value2)
        cmp = "range";
    if (!cmp && px_match_group(r, m, k, "cmp", &c))
        cmp = cmp_of_words(tf, c.p, c.len);
    h->t.cmp = cmp ? cmp : "=";
    h->t.metric = px_rule_get(r, "metric");
    const char *unit = px_rule_get(r, "unit");
    h->t.unit = unit ? unit : metric_unit(tf, h->t.metric);
    h->t.prov.rule = r->id;
    h->start = sj->map[m->start];
    h->end = sj->map[m->end];
    h->t.raw = px_arena_strndup(a, sj->text + h->start, h->end - h->start);
    return h->t.unit != NULL;
}

/* End of the figure(s) in key text: where the next search of this rule resumes. */
static void
figure_span(const struct px_rule *r, const struct px_match *m, const char *k, size_t span[2])
{
    struct px_str v, v2;
    px_match_group(r, m, k, "value", &v);
    span[0] = (size_t)(v.p - k);
    span[1] = span[0] + v.len;
    if (px_match_group(r, m, k, "value2", &v2))
        span[1] = (size_t)(v2.p - k) + v2.len;
}

static void
push_hit(struct hitlist *hl, const struct px_target_hit *h, const size_t span[2])
{
    if (hl->n == hl->cap) {
        hl->cap = hl->cap ? hl->cap * 2 : 16;
        hl->v = px_xrealloc(hl->v, hl->cap * sizeof *hl->v);
        hl->claim = px_xrealloc(hl->claim, hl->cap * sizeof *hl->claim);
    }
    hl->v[hl->n] = *h;
    hl->claim[hl->n][0] = span[0];
    hl->claim[hl->n][1] = span[1];
    hl->n++;
}

/* ---- past results ---- */

static int
word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Does s[0..len) hold w as whole words (no letter or digit either side)? */
static int
has_word(const char *s, size_t len, const char *w)
{
    size_t wl = strlen(w);
    for (size_t at = 0; wl && at + wl <= len; at++)
        if (memcmp(s + at, w, wl) == 0 && (at == 0 || !word_byte((unsigned char)s[at - 1])) &&
            (at + wl == len || !word_byte((unsigned char)s[at + wl])))
            return 1;
    return 0;
}

/* Does some `key:` word of r occur in s[0..len)? */
static int
has_any_word(const struct px_rule *r, const char *key, const char *s, size_t len)
{
    size_t i = 0;
    const char *w;
    while ((w = px_rule_next(r, key, &i)) != NULL)
        if (has_word(s, len, w))
            return 1;
    return 0;
}

/*
 * Start of the sentence holding key offset at: after the last '.', '!' or
 * '?' followed by a space (not the point of "99.2"), or a line break, with
 * the spaces after it skipped.
 */
static size_t
sentence_start(const char *k, size_t at)
{
    size_t s = at;
    while (s > 0) {
        char c = k[s - 1];
        if (c == '\n' || ((c == '.' || c == '!' || c == '?') && s < at && k[s] == ' '))
            break;
        s--;
    }
    while (s < at && (k[s] == ' ' || k[s] == '\t'))
        s++;
    return s;
}

/* Is hit h, whose figure starts at key offset fig, a past result (target.h)? */
static int
is_past(const struct px_target_finder *tf, const struct subject *sj, const struct px_target_hit *h,
        size_t fig)
{
    const struct px_rule *r = tf->past;
    if (!r || strcmp(h->t.cmp, "=") != 0 || h->t.has_value2)
        return 0;
    const char *k = sj->key.ptr;
    size_t s = sentence_start(k, fig);
    if (has_any_word(r, "keep", k + s, fig - s))
        return 0;
    if (has_any_word(r, "word", k + s, fig - s))
        return 1;
    struct px_match m;
    if (!r->nre || px_rule_match(tf->rs, r, k + s, fig - s, 0, &m) != 1 || m.start != 0)
        return 0;
    struct px_str year;
    if (tf->plan_year > 0 && px_match_group(r, &m, k + s, "year", &year))
        return atoi(year.p) < tf->plan_year;
    return 1;
}

static void
run_rule(const struct px_target_finder *tf, const struct px_rule *r, const struct subject *sj,
         struct px_arena *a, struct hitlist *hl)
{
    const char *k = sj->key.ptr;
    size_t at = 0;
    struct px_match m;
    while (at <= sj->key.len &&
           px_rule_match_key(tf->rs, r, sj->probe, k, sj->key.len, at, &m) == 1) {
        struct px_str v;
        if (!px_match_group(r, &m, k, "value", &v))
            break; /* a pattern without a figure cannot make progress */
        size_t span[2];
        figure_span(r, &m, k, span);
        at = span[1];
        struct px_target_hit h;
        if (claimed(hl, span[0], span[1]) || !make_hit(tf, r, &m, sj, a, &h))
            continue;
        /* read before is_past: its match reuses the ruleset's match data */
        const char *also = px_rule_get(r, "also");
        struct px_str w;
        int two = also && px_match_group(r, &m, k, "also", &w);
        if (is_past(tf, sj, &h, span[0]))
            continue;
        push_hit(hl, &h, span);
        if (two) {
            const char *unit = px_rule_get(r, "unit");
            h.t.metric = also;
            h.t.unit = unit ? unit : metric_unit(tf, also);
            if (h.t.unit)
                push_hit(hl, &h, span);
        }
    }
}

static int
by_position(const void *pa, const void *pb)
{
    const struct px_target_hit *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return strcmp(a->t.metric, b->t.metric); /* one figure, two metrics (`also:`) */
}

/* Can the character whose UTF-8 starts at u[i] be no decimal digit? The
 * first decimal digit (Nd) past ASCII is U+0660; the Latin Extended
 * Additional block (Vietnamese letters, U+1E00..U+1EFF) and General
 * Punctuation (U+2000..U+206F) hold none. */
static int
surely_no_digit(const unsigned char *u, size_t i, size_t len)
{
    if (u[i] >= 0xC2 && u[i] <= 0xD8) /* U+0080..U+063F */
        return 1;
    if (u[i] == 0xE1 && i + 1 < len &&
        (u[i + 1] == 0xB8 || u[i + 1] == 0xB9 || u[i + 1] == 0xBA || u[i + 1] == 0xBB))
        return 1;
    return u[i] == 0xE2 && i + 1 < len && (u[i + 1] == 0x80 || u[i + 1] == 0x81);
}

/* Does text hold a decimal digit (\d with UCP: ASCII and the characters
 * known to be none first, then PCRE2)? */
static int
has_digit(const struct px_target_finder *tf, const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    int known = 1; /* every character so far surely no digit */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = u[i];
        if (c >= '0' && c <= '9')
            return 1;
        if (c >= 0xC0 && known)
            known = surely_no_digit(u, i, len);
    }
    if (known)
        return 0;
    return pcre2_match(tf->digit, (PCRE2_SPTR)text, len, 0, PCRE2_NO_UTF_CHECK, tf->digit_md,
                       NULL) >= 0;
}

/* Hits on key text already made; sj->key and sj->map are the caller's. */
static void
find_in_key(const struct px_target_finder *tf, struct subject *sj, int digits, struct px_arena *a,
            struct px_target_hit **hits, size_t *n)
{
    struct hitlist hl = {0};
    struct px_rule_probe local;
    if (!sj->probe) {
        px_rule_probe_init(&local, sj->key.ptr, sj->key.len);
        sj->probe = &local;
    }
    for (size_t i = 0; i < tf->nrules; i++)
        if ((digits || !tf->needs_digit[i]) && px_rule_may_match_probe(tf->rules[i], sj->probe))
            run_rule(tf, tf->rules[i], sj, a, &hl);
    if (hl.n) {
        qsort(hl.v, hl.n, sizeof *hl.v, by_position);
        *hits = px_arena_alloc(a, hl.n * sizeof **hits);
        memcpy(*hits, hl.v, hl.n * sizeof **hits);
        *n = hl.n;
    }
    free(hl.v);
    free(hl.claim);
}

int
px_targets_find(const struct px_target_finder *tf, struct px_normalizer *nz, const char *text,
                size_t len, struct px_arena *a, struct px_target_hit **hits, size_t *n,
                struct px_diag *dg)
{
    *hits = NULL;
    *n = 0;
    /* Most texts state no figure. Key text has the decimal digits of the
     * text (NFC composes and case folding maps no character to or from a
     * digit), so the test runs on the text before it is normalised. */
    int digits = has_digit(tf, text, len);
    if (!digits && tf->all_need_digit)
        return 0;
    struct subject sj = {.text = text, .len = len, .key = PX_BUF_INIT};
    if (px_normalize(nz, text, len, PX_NORM_KEY, &sj.key, &sj.map, dg) != 0)
        return -1;
    find_in_key(tf, &sj, digits, a, hits, n);
    free(sj.map);
    px_buf_release(&sj.key);
    return 0;
}

int
px_targets_may_hit(const struct px_target_finder *tf, const char *text, size_t len)
{
    return !tf->all_need_digit || has_digit(tf, text, len);
}

void
px_targets_find_keyed(const struct px_target_finder *tf, const char *text, size_t len,
                      const char *key, size_t keylen, const uint32_t *map,
                      const struct px_rule_probe *probe, struct px_arena *a,
                      struct px_target_hit **hits, size_t *n)
{
    *hits = NULL;
    *n = 0;
    int digits = has_digit(tf, text, len);
    if (!digits && tf->all_need_digit)
        return;
    /* borrowed: find_in_key only reads the key and the map */
    struct subject sj = {.text = text,
                         .len = len,
                         .key = {(char *)key, keylen, 0},
                         .map = (uint32_t *)map,
                         .probe = probe};
    find_in_key(tf, &sj, digits, a, hits, n);
}

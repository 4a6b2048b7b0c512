/* diff — target statuses and task matching against a baseline (see diff.h). */
#include "diff.h"

#include "buf.h"
#include "rules.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Figures are printed with at most two decimals: closer than this is the same figure. */
#define SAME_FIGURE_EPS 1e-6

static const char *const status_names[PX_DIFF_STATUS_COUNT] = {
    [PX_DIFF_EQUAL] = "equal",     [PX_DIFF_STRONGER] = "stronger", [PX_DIFF_WEAKER] = "weaker",
    [PX_DIFF_MISSING] = "missing", [PX_DIFF_LOCAL] = "local",
};

const char *
px_diff_status_name(enum px_diff_status s)
{
    return (unsigned)s < PX_DIFF_STATUS_COUNT ? status_names[s] : "?";
}

/* +1: higher figures are stricter (">=", and a bare "=" read as a floor); -1: lower are. */
static int
direction(const char *cmp)
{
    return cmp && !strcmp(cmp, "<=") ? -1 : 1;
}

/*
 * How strict a commitment is in the national direction dir, as a number
 * where larger is stricter. A range counts by its looser end; a comparator
 * pointing the other way commits to nothing in this direction.
 */
static double
strictness(const struct px_target *t, int dir)
{
    const char *cmp = t->cmp ? t->cmp : "=";
    if ((dir > 0 && !strcmp(cmp, "<=")) || (dir < 0 && !strcmp(cmp, ">=")))
        return -DBL_MAX;
    double v = t->value;
    if (!strcmp(cmp, "range") && t->has_value2)
        v = dir > 0 ? fmin(t->value, t->value2) : fmax(t->value, t->value2);
    return dir > 0 ? v : -v;
}

enum px_diff_status
px_diff_compare(const struct px_target *national, const struct px_target *plan)
{
    int dir = direction(national->cmp);
    double want = strictness(national, dir), got = strictness(plan, dir);
    if (fabs(got - want) <= SAME_FIGURE_EPS)
        return PX_DIFF_EQUAL;
    return got > want ? PX_DIFF_STRONGER : PX_DIFF_WEAKER;
}

static int
same_metric(const struct px_target *a, const struct px_target *b)
{
    return a->metric && b->metric && !strcmp(a->metric, b->metric);
}

const struct px_target *
px_diff_strongest(const struct px_target *national, const struct px_target *plan, size_t n)
{
    int dir = direction(national->cmp);
    const struct px_target *best = NULL;
    double best_s = 0;
    for (size_t i = 0; i < n; i++) {
        if (!same_metric(national, &plan[i]))
            continue;
        double s = strictness(&plan[i], dir);
        /* On a tie keep the wording that uses the national comparator. */
        int tie_better = best && fabs(s - best_s) <= SAME_FIGURE_EPS && national->cmp &&
                         plan[i].cmp && !strcmp(plan[i].cmp, national->cmp) &&
                         !(best->cmp && !strcmp(best->cmp, national->cmp));
        if (!best || s > best_s + SAME_FIGURE_EPS || tie_better) {
            best = &plan[i];
            best_s = s;
        }
    }
    return best;
}

static int
is_national_metric(const struct px_national *nat, size_t nnat, const char *metric)
{
    for (size_t i = 0; i < nnat; i++)
        if (nat[i].t->metric && metric && !strcmp(nat[i].t->metric, metric))
            return 1;
    return 0;
}

static int
seen_before(const struct px_target *plan, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (same_metric(&plan[j], &plan[i]))
            return 1;
    return 0;
}

void
px_diff_targets(const struct px_national *nat, size_t nnat, const struct px_target *plan,
                size_t nplan, struct px_arena *a, struct px_target_row **rows, size_t *n)
{
    struct px_target_row *r = px_arena_calloc(a, nnat + nplan + 1, sizeof *r);
    size_t k = 0;
    for (size_t i = 0; i < nnat; i++, k++) {
        r[k].national = nat[i].id;
        r[k].metric = nat[i].t->metric;
        r[k].base = nat[i].t;
        r[k].plan = px_diff_strongest(nat[i].t, plan, nplan);
        r[k].status = r[k].plan ? px_diff_compare(nat[i].t, r[k].plan) : PX_DIFF_MISSING;
    }
    for (size_t i = 0; i < nplan; i++) {
        if (!plan[i].metric || is_national_metric(nat, nnat, plan[i].metric) ||
            seen_before(plan, i))
            continue;
        r[k].metric = plan[i].metric;
        r[k].status = PX_DIFF_LOCAL;
        r[k].plan = &plan[i];
        k++;
    }
    *rows = r;
    *n = k;
}

/* ---- data files ---------------------------------------------------------- */

struct level {
    char *from, *to; /* key-normalised */
};

struct px_diff_ctx {
    struct px_normalizer *nz;
    char **stop; /* sorted, key-normalised */
    size_t nstop;
    struct level *levels; /* longest `from` first */
    size_t nlevels;
};

static char *
key_of(struct px_normalizer *nz, const char *s)
{
    struct px_buf out = PX_BUF_INIT;
    struct px_diag dg;
    px_diag_init(&dg);
    if (px_normalize(nz, s, strlen(s), PX_NORM_KEY | PX_NORM_ONELINE, &out, NULL, &dg) != 0)
        px_buf_puts(&out, s); /* invalid UTF-8 cannot reach here from the store; keep it raw */
    px_diag_release(&dg);
    return px_buf_detach(&out, NULL);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
longer_first(const void *a, const void *b)
{
    size_t la = strlen(((const struct level *)a)->from);
    size_t lb = strlen(((const struct level *)b)->from);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Split a data file into its non-comment, non-empty lines (newline stripped, in place). */
static char **
data_lines(struct px_buf *file, size_t *n)
{
    char **v = NULL;
    size_t k = 0, cap = 0;
    char *p = file->ptr, *end = file->ptr + file->len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        *e = '\0';
        if (e > p && e[-1] == '\r')
            e[-1] = '\0';
        if (*p && *p != '#') {
            if (k == cap) {
                cap = cap ? 2 * cap : 64;
                v = px_xrealloc(v, cap * sizeof *v);
            }
            v[k++] = p;
        }
        p = e + 1;
    }
    *n = k;
    return v;
}

static int
read_data(const char *dir, const char *name, struct px_buf *out, struct px_diag *dg)
{
    struct px_buf path = PX_BUF_INIT;
    px_buf_printf(&path, "%s/%s", dir, name);
    int r = px_read_file(path.ptr, out);
    if (r != 0)
        px_diag_report(dg, PX_ERROR, path.ptr, 0, 0, "cannot read diff data file '%s'", name);
    px_buf_release(&path);
    return r;
}

static int
load_stopwords(struct px_diff_ctx *cx, const char *dir, struct px_diag *dg)
{
    struct px_buf file = PX_BUF_INIT;
    if (read_data(dir, "diff-stopwords.txt", &file, dg) != 0)
        return -1;
    size_t n;
    char **lines = data_lines(&file, &n);
    cx->stop = px_xcalloc(n + 1, sizeof *cx->stop);
    for (size_t i = 0; i < n; i++)
        cx->stop[cx->nstop++] = key_of(cx->nz, lines[i]);
    qsort(cx->stop, cx->nstop, sizeof *cx->stop, cmp_str);
    free(lines);
    px_buf_release(&file);
    return 0;
}

/* Normalisation trims: put back the space that ends a name start like "Bộ ". */
static char *
with_space(char *s)
{
    size_t n = strlen(s);
    char *t = px_xmalloc(n + 2);
    memcpy(t, s, n);
    t[n] = ' ';
    t[n + 1] = '\0';
    free(s);
    return t;
}

static int
load_levels(struct px_diff_ctx *cx, const char *dir, struct px_diag *dg)
{
    struct px_buf file = PX_BUF_INIT;
    if (read_data(dir, "diff-levels.tsv", &file, dg) != 0)
        return -1;
    size_t n;
    char **lines = data_lines(&file, &n);
    cx->levels = px_xcalloc(n + 1, sizeof *cx->levels);
    for (size_t i = 0; i < n; i++) {
        char *tab = strchr(lines[i], '\t');
        if (!tab) {
            px_diag_report(dg, PX_WARNING, "diff-levels.tsv", 0, 0,
                           "line without a tab ignored: '%s'", lines[i]);
            continue;
        }
        *tab = '\0';
        /* Keep a trailing space of the key ("Bộ "): it stops "Bộ" matching "Bội". */
        struct level *l = &cx->levels[cx->nlevels++];
        l->from = key_of(cx->nz, lines[i]);
        l->to = key_of(cx->nz, tab + 1);
        if (tab > lines[i] && tab[-1] == ' ') {
            l->from = with_space(l->from);
            l->to = with_space(l->to);
        }
    }
    qsort(cx->levels, cx->nlevels, sizeof *cx->levels, longer_first);
    free(lines);
    px_buf_release(&file);
    return 0;
}

struct px_diff_ctx *
px_diff_ctx_new(const char *rules_dir, struct px_diag *dg)
{
    struct px_diff_ctx *cx = px_xcalloc(1, sizeof *cx);
    cx->nz = px_normalizer_new(dg);
    const char *dir = rules_dir ? rules_dir : px_rules_default_dir();
    if (!cx->nz || load_stopwords(cx, dir, dg) != 0 || load_levels(cx, dir, dg) != 0) {
        px_diff_ctx_free(cx);
        return NULL;
    }
    return cx;
}

void
px_diff_ctx_free(struct px_diff_ctx *cx)
{
    if (!cx)
        return;
    for (size_t i = 0; i < cx->nstop; i++)
        free(cx->stop[i]);
    for (size_t i = 0; i < cx->nlevels; i++) {
        free(cx->levels[i].from);
        free(cx->levels[i].to);
    }
    free(cx->stop);
    free(cx->levels);
    px_normalizer_free(cx->nz);
    free(cx);
}

/* ---- task similarity ----------------------------------------------------- */

struct words {
    char **v; /* sorted, unique, heap */
    size_t n;
};

static int
is_separator(const unsigned char *p, size_t *skip)
{
    *skip = 1;
    if (*p < 0x80)
        return !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'));
    /* U+2000..U+206F (dashes, quotes, ellipsis) separate words too. */
    if (p[0] == 0xE2 && (p[1] == 0x80 || p[1] == 0x81)) {
        *skip = 3;
        return 1;
    }
    return 0;
}

static int
all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int
is_stop(const struct px_diff_ctx *cx, const char *w)
{
    return bsearch(&w, cx->stop, cx->nstop, sizeof *cx->stop, cmp_str) != NULL;
}

static void
add_word(const struct px_diff_ctx *cx, struct words *ws, size_t *cap, const char *s, size_t n)
{
    if (n == 0 || all_digits(s, n))
        return;
    char *w = px_xstrndup(s, n);
    if (is_stop(cx, w)) {
        free(w);
        return;
    }
    if (ws->n == *cap) {
        *cap = *cap ? 2 * *cap : 32;
        ws->v = px_xrealloc(ws->v, *cap * sizeof *ws->v);
    }
    ws->v[ws->n++] = w;
}

static void
sort_unique(struct words *ws)
{
    if (ws->n == 0)
        return;
    qsort(ws->v, ws->n, sizeof *ws->v, cmp_str);
    size_t k = 1;
    for (size_t i = 1; i < ws->n; i++) {
        if (strcmp(ws->v[i], ws->v[k - 1]) != 0)
            ws->v[k++] = ws->v[i];
        else
            free(ws->v[i]);
    }
    ws->n = k;
}

static void
content_words(struct px_diff_ctx *cx, const char *text, struct words *ws)
{
    char *key = key_of(cx->nz, text ? text : "");
    size_t cap = 0, start = 0, i = 0, len = strlen(key);
    ws->v = NULL;
    ws->n = 0;
    while (i < len) {
        size_t skip;
        if (is_separator((const unsigned char *)key + i, &skip)) {
            add_word(cx, ws, &cap, key + start, i - start);
            start = i + skip;
        }
        i += skip;
    }
    add_word(cx, ws, &cap, key + start, len - start);
    sort_unique(ws);
    free(key);
}

static void
words_release(struct words *ws)
{
    for (size_t i = 0; i < ws->n; i++)
        free(ws->v[i]);
    free(ws->v);
}

static double
dice(const struct words *a, const struct words *b)
{
    if (a->n + b->n == 0)
        return 0;
    size_t i = 0, j = 0, common = 0;
    while (i < a->n && j < b->n) {
        int c = strcmp(a->v[i], b->v[j]);
        common += c == 0;
        i += c <= 0;
        j += c >= 0;
    }
    return 2.0 * (double)common / (double)(a->n + b->n);
}

double
px_diff_task_similarity(struct px_diff_ctx *cx, const char *a, const char *b)
{
    struct words wa, wb;
    content_words(cx, a, &wa);
    content_words(cx, b, &wb);
    double d = dice(&wa, &wb);
    words_release(&wa);
    words_release(&wb);
    return d;
}

/* ---- leads and deadlines ------------------------------------------------- */

/* The comparable form of an agency: key text, "các " dropped everywhere. */
static char *
agency_key(struct px_diff_ctx *cx, const char *name, int map_level)
{
    char *k = key_of(cx->nz, name);
    struct px_buf b = PX_BUF_INIT;
    const char *rest = k;
    if (map_level)
        for (size_t i = 0; i < cx->nlevels; i++)
            if (!strncmp(k, cx->levels[i].from, strlen(cx->levels[i].from))) {
                px_buf_puts(&b, cx->levels[i].to);
                rest = k + strlen(cx->levels[i].from);
                break;
            }
    px_buf_puts(&b, rest);
    free(k);
    struct px_buf out = PX_BUF_INIT;
    for (const char *p = b.ptr; *p;) {
        if (!strncmp(p, "các ", 4) && (p == b.ptr || p[-1] == ' ')) {
            p += 4;
            continue;
        }
        px_buf_putc(&out, *p++);
    }
    px_buf_release(&b);
    return px_buf_detach(&out, NULL);
}

int
px_diff_leads_differ(struct px_diff_ctx *cx, const struct px_strlist *national,
                     const struct px_strlist *plan)
{
    if (!national->present || !plan->present || national->n == 0 || plan->n == 0)
        return 0; /* nothing to compare: not a difference we can show */
    int shared = 0;
    for (size_t i = 0; i < national->n && !shared; i++) {
        char *nk = agency_key(cx, national->v[i], 1);
        for (size_t j = 0; j < plan->n && !shared; j++) {
            char *pk = agency_key(cx, plan->v[j], 0);
            shared = !strcmp(nk, pk);
            free(pk);
        }
        free(nk);
    }
    return !shared;
}

int
px_diff_deadlines_differ(const struct px_deadline *national, const struct px_deadline *plan)
{
    if (!national->present || !plan->present || national->kind == PX_DL_UNKNOWN ||
        plan->kind == PX_DL_UNKNOWN)
        return 0;
    if (national->kind != plan->kind)
        return 1;
    if (national->kind == PX_DL_DATE || national->kind == PX_DL_PERIOD)
        return strcmp(national->end, plan->end) != 0;
    if (national->kind == PX_DL_RECURRING)
        return national->every && plan->every && strcmp(national->every, plan->every) != 0;
    return 0;
}

/* ---- task matching ------------------------------------------------------- */

struct scored {
    size_t i;
    double s;
};

static int
higher_score(const void *a, const void *b)
{
    const struct scored *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? 1 : -1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static void
match_one(struct px_diff_ctx *cx, const struct px_task *nat, const struct words *plan_words,
          const struct px_task *plan, size_t nplan, struct px_arena *a, struct px_task_row *row)
{
    struct words nw;
    content_words(cx, nat->text, &nw);
    struct scored *sc = px_xcalloc(nplan + 1, sizeof *sc);
    size_t k = 0;
    for (size_t j = 0; j < nplan; j++) {
        double s = dice(&nw, &plan_words[j]);
        if (s >= PX_DIFF_TASK_THRESHOLD)
            sc[k++] = (struct scored){j, s};
    }
    qsort(sc, k, sizeof *sc, higher_score);
    row->national = nat;
    row->nplan = k;
    row->plan = px_arena_calloc(a, k + 1, sizeof *row->plan);
    row->score = px_arena_calloc(a, k + 1, sizeof *row->score);
    for (size_t j = 0; j < k; j++) {
        row->plan[j] = &plan[sc[j].i];
        row->score[j] = sc[j].s;
    }
    if (k > 0) {
        row->lead_differs = px_diff_leads_differ(cx, &nat->leads, &row->plan[0]->leads);
        row->deadline_differs = px_diff_deadlines_differ(&nat->deadline, &row->plan[0]->deadline);
    }
    free(sc);
    words_release(&nw);
}

void
px_diff_tasks(struct px_diff_ctx *cx, const struct px_task *nat, size_t nnat,
              const struct px_task *plan, size_t nplan, struct px_arena *a,
              struct px_task_row **rows, size_t *n)
{
    struct words *pw = px_xcalloc(nplan + 1, sizeof *pw);
    for (size_t j = 0; j < nplan; j++)
        content_words(cx, plan[j].text, &pw[j]);
    struct px_task_row *r = px_arena_calloc(a, nnat + 1, sizeof *r);
    for (size_t i = 0; i < nnat; i++)
        match_one(cx, &nat[i], pw, plan, nplan, a, &r[i]);
    for (size_t j = 0; j < nplan; j++)
        words_release(&pw[j]);
    free(pw);
    *rows = r;
    *n = nnat;
}

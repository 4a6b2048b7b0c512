/*
 * extract — the glue of the extraction stage: the extractor's lifetime,
 * helpers shared by the stages (key text, rule matching, markers, spans)
 * and the targets stage. Document facts are in extract_doc.c, tasks in
 * extract_tasks.c. See extract.h for the contract.
 */
#include "extract_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t
id_hash(const char *s)
{
    uint64_t h = px_hash_bytes(s, strlen(s));
    return (size_t)(h ^ (h >> 29));
}

/* Hash the rule ids: the stages look rules up by id at every block. The target family is
 * left out: it is the targets stage's own (px_xrule_is_target), and px_xrule serves the
 * stages before it. */
static void
index_ids(struct px_extractor *ex)
{
    size_t cap = 64;
    while (cap < 2 * ex->rs.n)
        cap *= 2;
    ex->ids = px_xcalloc(cap, sizeof *ex->ids);
    ex->ids_mask = cap - 1;
    for (size_t i = 0; i < ex->rs.n; i++) {
        if (px_xrule_is_target(&ex->rs.rules[i]))
            continue;
        size_t h = id_hash(ex->rs.rules[i].id) & ex->ids_mask;
        int dup = 0;
        while (ex->ids[h] && !dup) {
            dup = strcmp(ex->rs.rules[ex->ids[h] - 1].id, ex->rs.rules[i].id) == 0;
            h = (h + 1) & ex->ids_mask;
        }
        if (!dup) /* the first of a duplicated id wins, as in px_rules_find */
            ex->ids[h] = (uint32_t)(i + 1);
    }
}

struct px_extractor *
px_extractor_new(const char *rules_dir, struct px_normalizer *nz, struct px_diag *dg)
{
    if (!rules_dir)
        rules_dir = px_rules_default_dir();
    struct px_extractor *ex = px_xcalloc(1, sizeof *ex);
    ex->nz = nz;
    px_ruleset_init(&ex->rs);
    if (px_rules_load_dir(&ex->rs, rules_dir, dg) != 0)
        goto fail;
    ex->ag = px_agencies_new(rules_dir, nz, dg);
    if (!ex->ag)
        goto fail;
    struct px_buf path = PX_BUF_INIT;
    px_buf_printf(&path, "%s/metrics.tsv", rules_dir);
    int rc = px_target_finder_init(&ex->tf, &ex->rs, path.ptr, dg);
    px_buf_release(&path);
    if (rc != 0)
        goto fail;
    ex->have_tf = 1;
    index_ids(ex);
    px_xfingerprints(ex);
    return ex;
fail:
    px_extractor_free(ex);
    return NULL;
}

void
px_extractor_free(struct px_extractor *ex)
{
    if (!ex)
        return;
    if (ex->have_tf)
        px_target_finder_release(&ex->tf);
    px_agencies_free(ex->ag);
    for (size_t i = 0; i < ex->nprefixes; i++) {
        free(ex->prefixes[i].prefix);
        free(ex->prefixes[i].rules);
    }
    free(ex->prefixes);
    free(ex->ids);
    px_ruleset_release(&ex->rs);
    free(ex);
}

/* ---- the key text cache ---- */

/*
 * Every stage reads the same block and cell texts as key text (document
 * facts, the task walk, roles, targets): each is normalised once per
 * document, and px_xkey_make lends it out rather than copying it. The
 * texts are looked up by address (they are arena strings of the document,
 * unchanged while it is read) in an open-addressing table; the rule probe
 * of a key text (px_xmatch_any, targets) is kept with it, found by the key
 * text's own address.
 */
struct px_xkeycache {
    const char **text; /* slot -> text address; NULL: empty slot */
    struct px_xkey *key;
    signed char *state; /* 0 not made yet, 1 made, -1 failed */
    size_t mask;
    /* The probe (rules.h) of a slot's key text, made on first use; the
     * slots by key text address (slot + 1, 0 empty), to find it. */
    struct px_rule_probe **probe;
    uint32_t *by_key;
};

static size_t
addr_hash(const char *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 32);
}

static void
keycache_add(struct px_xkeycache *kc, const char *s)
{
    if (!s || !*s)
        return;
    size_t i = addr_hash(s) & kc->mask;
    while (kc->text[i] && kc->text[i] != s)
        i = (i + 1) & kc->mask;
    kc->text[i] = s;
}

static struct px_xkeycache *
keycache_new(const struct px_doc *doc)
{
    size_t n = 0;
    for (size_t i = 0; i < doc->nblocks; i++) {
        const struct px_block *b = &doc->blocks[i];
        n++;
        if (b->type == PX_BLOCK_TABLE && b->table)
            for (size_t y = 0; y < b->table->nrows; y++)
                n += b->table->rows[y].ncells;
    }
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    struct px_xkeycache *kc = px_xcalloc(1, sizeof *kc);
    kc->mask = cap - 1;
    kc->text = px_xcalloc(cap, sizeof *kc->text);
    kc->key = px_xcalloc(cap, sizeof *kc->key);
    kc->state = px_xcalloc(cap, sizeof *kc->state);
    kc->probe = px_xcalloc(cap, sizeof *kc->probe);
    kc->by_key = px_xcalloc(cap, sizeof *kc->by_key);
    for (size_t i = 0; i < doc->nblocks; i++) {
        const struct px_block *b = &doc->blocks[i];
        keycache_add(kc, b->text);
        if (b->type == PX_BLOCK_TABLE && b->table)
            for (size_t y = 0; y < b->table->nrows; y++)
                for (size_t x = 0; x < b->table->rows[y].ncells; x++)
                    keycache_add(kc, b->table->rows[y].cells[x].text);
    }
    return kc;
}

static void
keycache_free(struct px_xkeycache *kc)
{
    if (!kc)
        return;
    for (size_t i = 0; i <= kc->mask; i++) {
        if (kc->state[i] == 1)
            px_xkey_release(&kc->key[i]);
        free(kc->probe[i]);
    }
    free(kc->probe);
    free(kc->by_key);
    free(kc->text);
    free(kc->key);
    free(kc->state);
    free(kc);
}

/* Make slot findable by the address of its key text (its own heap buffer). */
static void
index_key(struct px_xkeycache *kc, size_t slot)
{
    size_t i = addr_hash(kc->key[slot].key.ptr) & kc->mask;
    while (kc->by_key[i])
        i = (i + 1) & kc->mask;
    kc->by_key[i] = (uint32_t)(slot + 1);
}

/* The cache slot whose key text is subject[0..len), whole; -1 if none. */
static long
key_slot(const struct px_xkeycache *kc, const char *subject, size_t len)
{
    for (size_t i = kc ? addr_hash(subject) & kc->mask : 0; kc && kc->by_key[i];
         i = (i + 1) & kc->mask) {
        size_t slot = kc->by_key[i] - 1;
        if (kc->key[slot].key.ptr == subject)
            return kc->key[slot].key.len == len ? (long)slot : -1;
    }
    return -1;
}

/* The cached probe of subject[0..len) when it is a cached key text (made
 * now if it was not yet); else local, made now. */
static const struct px_rule_probe *
probe_of(struct px_xrun *r, const char *subject, size_t len, struct px_rule_probe *local)
{
    struct px_xkeycache *kc = r->kc;
    long slot = key_slot(kc, subject, len);
    if (slot < 0) {
        px_rule_probe_init(local, subject, len);
        return local;
    }
    if (!kc->probe[slot]) {
        kc->probe[slot] = px_xmalloc(sizeof *kc->probe[slot]);
        px_rule_probe_init(kc->probe[slot], subject, len);
    }
    return kc->probe[slot];
}

const struct px_xkey *
px_xkey_cached(struct px_xrun *r, const char *s)
{
    struct px_xkeycache *kc = r->kc;
    if (!kc || !s || !*s)
        return NULL;
    size_t i = addr_hash(s) & kc->mask;
    while (kc->text[i] != s) {
        if (!kc->text[i])
            return NULL;
        i = (i + 1) & kc->mask;
    }
    if (kc->state[i] == 0) {
        struct px_xkey *k = &kc->key[i];
        k->key = (struct px_buf)PX_BUF_INIT;
        k->map = NULL;
        /* a failure is made again, and reported, by px_xkey_make */
        struct px_diag quiet;
        px_diag_init(&quiet);
        int rc = px_normalize(r->ex->nz, s, strlen(s), PX_NORM_KEY | PX_NORM_ONELINE, &k->key,
                              &k->map, &quiet);
        px_diag_release(&quiet);
        if (rc != 0)
            px_xkey_release(k);
        else if (k->key.len)
            index_key(kc, i);
        kc->state[i] = rc == 0 ? 1 : -1;
    }
    return kc->state[i] == 1 ? &kc->key[i] : NULL;
}

static void
xrun_begin(struct px_xrun *r, struct px_extractor *ex, struct px_doc *doc,
           struct px_extraction *out, struct px_diag *dg)
{
    memset(out, 0, sizeof *out);
    out->info.kind = "other";
    *r = (struct px_xrun){.ex = ex, .doc = doc, .out = out, .dg = dg};
    r->block_task = px_arena_calloc(&doc->arena, doc->nblocks + 1, sizeof *r->block_task);
    r->row_task = px_arena_calloc(&doc->arena, doc->nblocks + 1, sizeof *r->row_task);
    for (size_t i = 0; i < doc->nblocks; i++)
        r->block_task[i] = -1;
    r->kc = keycache_new(doc);
    memcpy(out->upstream, ex->upstream, sizeof out->upstream);
    memcpy(out->whole, ex->whole, sizeof out->whole);
}

static void
xrun_end(struct px_xrun *r)
{
    keycache_free(r->kc);
    free(r->parsed);
    free(r->splits);
    px_agencies_forget(r->ex->ag); /* the agency texts of this document */
}

/* The ids the targets stage links to, once the tasks are made. */
static void
take_task_ids(struct px_xrun *r)
{
    const struct px_extraction *o = r->out;
    r->task_id = px_arena_calloc(&r->doc->arena, o->ntasks + 1, sizeof *r->task_id);
    for (size_t t = 0; t < o->ntasks; t++)
        r->task_id[t] = o->tasks[t].id;
    r->ntask_ids = o->ntasks;
}

int
px_extract(struct px_extractor *ex, struct px_doc *doc, struct px_extraction *out,
           struct px_diag *dg)
{
    struct px_xrun r;
    xrun_begin(&r, ex, doc, out, dg);
    int rc = 0;
    if (px_extract_docinfo(&r) != 0 || px_extract_tasks(&r) != 0)
        rc = -1;
    if (rc == 0) {
        take_task_ids(&r);
        px_xtaskmap_encode(&r);
    }
    /* The plan's year tells a past result ("Năm 2025, … đạt 99,2%") from a commitment. */
    ex->tf.plan_year = out->info.year;
    if (rc == 0 && px_extract_targets(&r) != 0)
        rc = -1;
    xrun_end(&r);
    return rc;
}

int
px_extract_targets_from(struct px_extractor *ex, struct px_doc *doc, const void *map, size_t n,
                        struct px_extraction *out, struct px_diag *dg)
{
    struct px_xrun r;
    xrun_begin(&r, ex, doc, out, dg);
    int rc = px_xtaskmap_decode(&r, map, n);
    if (rc == 0 && px_extract_targets(&r) != 0)
        rc = -1;
    xrun_end(&r);
    if (rc != 0) {
        out->ntargets = 0;
        return rc;
    }
    unsigned char *copy = px_arena_alloc(&doc->arena, n ? n : 1);
    if (n)
        memcpy(copy, map, n);
    out->taskmap = (struct px_bytes){copy, n};
    out->targets_only = 1;
    return 0;
}

const char *
px_deadline_kind_name(enum px_deadline_kind k)
{
    static const char *const names[] = {"unknown",   "date",       "period",
                                        "recurring", "continuous", "as_required"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "unknown";
}

/* ---- helpers shared by the stages ---- */

int
px_xkey_make(struct px_xrun *r, const char *s, size_t len, struct px_xkey *k)
{
    if (k->borrowed) {
        *k = (struct px_xkey){PX_BUF_INIT, NULL, 0};
    } else {
        free(k->map); /* the key buffer is kept for the next text */
        k->map = NULL;
    }
    const struct px_xkey *c = len ? px_xkey_cached(r, s) : NULL;
    if (c && s[len] == '\0') {
        px_buf_release(&k->key);
        /* a view: cap 0, so nothing here writes to or frees the cache's text */
        *k = (struct px_xkey){{c->key.ptr, c->key.len, 0}, c->map, 1};
        return 0;
    }
    return px_normalize(r->ex->nz, s, len, PX_NORM_KEY | PX_NORM_ONELINE, &k->key, &k->map, r->dg);
}

void
px_xkey_release(struct px_xkey *k)
{
    if (!k->borrowed) {
        px_buf_release(&k->key);
        free(k->map);
    }
    *k = (struct px_xkey){PX_BUF_INIT, NULL, 0};
}

size_t
px_xkey_src(const struct px_xkey *k, size_t off)
{
    if (!k->map)
        return off;
    return k->map[off > k->key.len ? k->key.len : off];
}

const struct px_rule *
px_xrule(struct px_xrun *r, const char *id)
{
    const struct px_extractor *ex = r->ex; /* ids: made by px_extractor_new */
    for (size_t h = id_hash(id) & ex->ids_mask; ex->ids[h]; h = (h + 1) & ex->ids_mask)
        if (strcmp(ex->rs.rules[ex->ids[h] - 1].id, id) == 0)
            return &ex->rs.rules[ex->ids[h] - 1];
    return NULL;
}

/* The rules of a prefix, listed on first use. */
static const struct px_xprefix *
prefix_rules(struct px_extractor *ex, const char *prefix)
{
    for (size_t i = 0; i < ex->nprefixes; i++)
        if (strcmp(ex->prefixes[i].prefix, prefix) == 0)
            return &ex->prefixes[i];
    ex->prefixes = px_xrealloc(ex->prefixes, (ex->nprefixes + 1) * sizeof *ex->prefixes);
    struct px_xprefix *p = &ex->prefixes[ex->nprefixes++];
    p->prefix = px_xstrdup(prefix);
    p->rules = px_xcalloc(ex->rs.n + 1, sizeof *p->rules);
    p->n = 0;
    for (size_t i = 0; i < ex->rs.n; i++)
        if (px_rule_in(&ex->rs.rules[i], prefix) && !px_xrule_is_target(&ex->rs.rules[i]))
            p->rules[p->n++] = &ex->rs.rules[i];
    return p;
}

int
px_xmatch(struct px_xrun *r, const char *id, const char *subject, size_t len, struct px_match *m)
{
    const struct px_rule *rule = px_xrule(r, id);
    if (!rule)
        return 0;
    /* one rule: worth a probe only when the subject already has one */
    long slot = key_slot(r->kc, subject, len);
    const struct px_rule_probe *probe = slot >= 0 ? r->kc->probe[slot] : NULL;
    return px_rule_match_key(&r->ex->rs, rule, probe, subject, len, 0, m) == 1;
}

const struct px_rule *
px_xmatch_any(struct px_xrun *r, const char *prefix, const char *subject, size_t len,
              struct px_match *m)
{
    const struct px_xprefix *p = prefix_rules(r->ex, prefix);
    /* several rules on one subject: a probe of it rules most out at once */
    struct px_rule_probe local;
    const struct px_rule_probe *probe =
        p->n >= 4 && len >= 64 ? probe_of(r, subject, len, &local) : NULL;
    for (size_t i = 0; i < p->n; i++) {
        const struct px_rule *rule = p->rules[i];
        if (px_rule_match_key(&r->ex->rs, rule, probe, subject, len, 0, m) == 1)
            return rule;
    }
    return NULL;
}

static int
all_of(const char *s, const char *set)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr(set, *s))
            return 0;
    return 1;
}

enum px_xmark
px_xmark_of(const char *n)
{
    if (!n || !*n)
        return PX_XM_NONE;
    if (all_of(n, "IVXLC"))
        return PX_XM_ROMAN;
    if (all_of(n, "0123456789"))
        return PX_XM_ARABIC;
    if (isdigit((unsigned char)n[0]) && all_of(n, "0123456789."))
        return PX_XM_DOTTED;
    if (!strcmp(n, "-") || !strcmp(n, "+") || !strcmp(n, "\xE2\x80\xA2") ||
        !strcmp(n, "\xE2\x80\x93") || !strcmp(n, "*"))
        return PX_XM_BULLET;
    /* one lower-case letter, ASCII or "đ" */
    if ((islower((unsigned char)n[0]) && !n[1]) || !strcmp(n, "\xC4\x91"))
        return PX_XM_LETTER;
    return PX_XM_NONE;
}

int
px_xmark_rank(enum px_xmark k, const char *number)
{
    switch (k) {
    case PX_XM_ROMAN:
        return 1;
    case PX_XM_ARABIC:
        return 2;
    case PX_XM_DOTTED: {
        int depth = 1;
        for (const char *p = number; *p; p++)
            depth += *p == '.' && p[1];
        return 1 + depth; /* "1.1" ranks 3 */
    }
    case PX_XM_LETTER:
        return 10;
    case PX_XM_BULLET:
        return 20;
    default:
        return 99;
    }
}

struct px_span
px_xblock_span(const struct px_block *b, size_t off, size_t len)
{
    struct px_span s = {0, 0, 0};
    uint32_t line = b->span.line;
    uint64_t a = px_offmap_lookup(&b->map, off, b->span.byte, b->span.line, &line);
    uint64_t z = px_offmap_lookup(&b->map, off + len, b->span.byte, b->span.line, NULL);
    s.line = line;
    s.byte = a;
    s.len = z > a ? z - a : 0;
    return s;
}

char *
px_xcopy_oneline(struct px_xrun *r, const char *s, size_t len)
{
    char *out = px_arena_alloc(&r->doc->arena, len + 1);
    size_t n = 0;
    int space = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = n > 0;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = 0;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return out;
}

struct px_task *
px_xadd_task(struct px_xrun *r)
{
    struct px_extraction *o = r->out;
    if (o->ntasks == r->task_cap) {
        size_t cap = r->task_cap ? 2 * r->task_cap : 32;
        o->tasks = px_arena_grow(&r->doc->arena, o->tasks, o->ntasks, cap, sizeof *o->tasks);
        r->task_cap = cap;
    }
    struct px_task *t = &o->tasks[o->ntasks++];
    memset(t, 0, sizeof *t);
    return t;
}

struct px_target *
px_xadd_target(struct px_xrun *r)
{
    struct px_extraction *o = r->out;
    if (o->ntargets == r->target_cap) {
        size_t cap = r->target_cap ? 2 * r->target_cap : 32;
        o->targets =
            px_arena_grow(&r->doc->arena, o->targets, o->ntargets, cap, sizeof *o->targets);
        r->target_cap = cap;
    }
    struct px_target *t = &o->targets[o->ntargets++];
    memset(t, 0, sizeof *t);
    return t;
}

/* ---- targets: every commitment, linked to the task whose text holds it ---- */

/* Does s hold a character the normaliser reads as a line break (normalize.c)?
 * Without one, its key text and its one-line key text are the same. */
static int
has_newline(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85) ||
            (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
             ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)))
            return 1;
    }
    return 0;
}

/* The targets of a block's or cell's text: on its cached key text when that
 * is the key text px_targets_find would make (no line break in it). */
static int
targets_in(struct px_xrun *r, const char *text, const struct px_block *b,
           const struct px_cell *cell, int task)
{
    struct px_target_hit *hits = NULL;
    size_t n = 0;
    if (!text || !*text)
        return 0;
    size_t tlen = strlen(text);
    if (!px_targets_may_hit(&r->ex->tf, text, tlen))
        return 0;
    const struct px_xkey *k = has_newline(text, tlen) ? NULL : px_xkey_cached(r, text);
    struct px_rule_probe local;
    if (k && k->map)
        px_targets_find_keyed(&r->ex->tf, text, tlen, k->key.ptr, k->key.len, k->map,
                              probe_of(r, k->key.ptr, k->key.len, &local), &r->doc->arena, &hits,
                              &n);
    else if (px_targets_find(&r->ex->tf, r->ex->nz, text, tlen, &r->doc->arena, &hits, &n, r->dg) !=
             0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct px_target *t = px_xadd_target(r);
        *t = hits[i].t;
        t->task = task >= 0 && (size_t)task < r->ntask_ids ? r->task_id[task] : NULL;
        size_t len = hits[i].end - hits[i].start;
        if (cell) {
            uint32_t line = cell->span.line;
            uint64_t a = px_offmap_lookup(&cell->map, hits[i].start, cell->span.byte,
                                          cell->span.line, &line);
            t->prov.span = (struct px_span){line, a, len};
        } else {
            t->prov.span = px_xblock_span(b, hits[i].start, len);
        }
    }
    return 0;
}

int
px_extract_targets(struct px_xrun *r)
{
    if (!r->ex->have_tf)
        return 0;
    for (size_t i = 0; i < r->doc->nblocks; i++) {
        const struct px_block *b = &r->doc->blocks[i];
        if (b->type != PX_BLOCK_TABLE) {
            if (targets_in(r, b->text, b, NULL, r->block_task[i]) != 0)
                return -1;
            continue;
        }
        const int *rows = r->row_task[i];
        for (size_t y = 0; y < b->table->nrows; y++) {
            const struct px_row *row = &b->table->rows[y];
            int task = rows ? rows[y] : -1;
            for (size_t x = 0; x < row->ncells; x++)
                if (targets_in(r, row->cells[x].text, b, &row->cells[x], task) != 0)
                    return -1;
        }
    }
    return 0;
}

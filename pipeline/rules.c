/*
 * rules — loader, matcher and self-test of the rule files (see rules.h).
 *
 * The loader is a small line parser: each record collects its key/value
 * lines, and its `pattern:` lines are compiled when the record ends (so a
 * `flags:` line may come after the patterns it applies to).
 */
#include "rules.h"
#include "normalize.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "banned.h"

/*
 * Limits for one match. Rule patterns on a sentence need far less; the
 * bounds only stop a pathological pattern/subject pair from running away.
 */
enum {
    MATCH_LIMIT = 1000000,
    DEPTH_LIMIT = 10000,
    JIT_STACK_MIN = 32 * 1024,
    JIT_STACK_MAX = 1024 * 1024,
    MAX_GROUPS = 63, /* capture groups per pattern: the scratch ovector has 64 pairs */
};

void
px_ruleset_init(struct px_ruleset *rs)
{
    memset(rs, 0, sizeof *rs);
    px_arena_init(&rs->arena);
    rs->mctx = pcre2_match_context_create(NULL);
    rs->jit_stack = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL);
    rs->md = pcre2_match_data_create(MAX_GROUPS + 1, NULL);
    if (!rs->mctx || !rs->md) {
        fputs("planex: out of memory\n", stderr);
        abort();
    }
    pcre2_set_match_limit(rs->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(rs->mctx, DEPTH_LIMIT);
    if (rs->jit_stack)
        pcre2_jit_stack_assign(rs->mctx, NULL, rs->jit_stack);
}

void
px_ruleset_release(struct px_ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        for (size_t k = 0; k < rs->rules[i].nre; k++)
            pcre2_code_free(rs->rules[i].re[k]);
    free(rs->rules);
    px_arena_release(&rs->arena);
    pcre2_match_data_free(rs->md);
    pcre2_jit_stack_free(rs->jit_stack);
    pcre2_match_context_free(rs->mctx);
    memset(rs, 0, sizeof *rs);
}

/* ---- loading ---- */

/* State of one file being loaded. */
struct loader {
    struct px_ruleset *rs;
    struct px_diag *dg;
    const char *file; /* arena copy */
    struct px_rule *cur;
    size_t kvcap;
    uint32_t *pcol; /* column of each kv value (parallel to cur->kv) */
    int errors;
};

static void load_error(struct loader *ld, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
load_error(struct loader *ld, uint32_t line, uint32_t col, const char *fmt, ...)
{
    struct px_buf msg = PX_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    px_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    px_diag_report(ld->dg, PX_ERROR, ld->file, line, col, "%s", msg.ptr);
    px_buf_release(&msg);
    ld->errors++;
}

static int
utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > len || (n == 2 && c < 0xC2))
            break;
        uint32_t cp = n == 1 ? c : c & (0x7Fu >> n);
        size_t k = 1;
        for (; k < n && (p[i + k] & 0xC0) == 0x80; k++)
            cp = (cp << 6) | (p[i + k] & 0x3F);
        if (k < n || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            break;
        i += n;
    }
    *bad = i;
    return i == len;
}

static uint32_t
compile_options(struct loader *ld, const struct px_rule *r)
{
    uint32_t opt = PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES;
    const char *f = px_rule_get(r, "flags");
    for (; f && *f; f++) {
        if (*f == 'i')
            opt |= PCRE2_CASELESS;
        else if (*f == 'x')
            opt |= PCRE2_EXTENDED;
        else if (*f == 's')
            opt |= PCRE2_DOTALL;
        else if (*f != ' ' && *f != ',') {
            char c[2] = {*f, 0};
            load_error(ld, r->line, 1, "unknown flag '%s' in rule '%s'", c, r->id);
        }
    }
    return opt;
}

/*
 * A pattern may name a word list: "{{targetcmp.ge}}" stands for the `word:`
 * values of that (earlier) record as one group "(?:w1|w2|…)", each quoted,
 * longest first. One list of comparison words then serves every target
 * pattern and the mapping of the words to a comparison. Returns 0, or -1
 * (reported) for an unknown record or one without words.
 */
static int
expand_lists(struct loader *ld, const struct px_rule_kv *kv, uint32_t col, struct px_buf *out)
{
    const char *s = kv->value;
    for (;;) {
        const char *open = strstr(s, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) {
            px_buf_puts(out, s);
            return 0;
        }
        px_buf_put(out, s, (size_t)(open - s));
        char *id = px_arena_strndup(&ld->rs->arena, open + 2, (size_t)(close - open - 2));
        const struct px_rule *list = px_rules_find(ld->rs, id);
        size_t nw = 0, i = 0;
        while (list && px_rule_next(list, "word", &i))
            nw++;
        if (!nw) {
            load_error(ld, kv->line, col + (uint32_t)(open - kv->value),
                       "'{{%s}}' names no earlier record with 'word:' lines", id);
            return -1;
        }
        /* longest first, so "không quá" is tried before a word it contains */
        const char **w = px_xcalloc(nw, sizeof *w);
        i = 0;
        for (size_t k = 0; k < nw; k++)
            w[k] = px_rule_next(list, "word", &i);
        for (size_t a = 1; a < nw; a++)
            for (size_t b = a; b > 0 && strlen(w[b]) > strlen(w[b - 1]); b--) {
                const char *t = w[b];
                w[b] = w[b - 1];
                w[b - 1] = t;
            }
        px_buf_puts(out, "(?:");
        for (size_t k = 0; k < nw; k++)
            px_buf_printf(out, "%s\\Q%s\\E", k ? "|" : "", w[k]);
        px_buf_putc(out, ')');
        free(w);
        s = close + 2;
    }
}

static pcre2_code *
compile_one(struct loader *ld, const struct px_rule_kv *kv, uint32_t col, uint32_t opt)
{
    int err;
    PCRE2_SIZE off;
    struct px_buf pat = PX_BUF_INIT;
    if (expand_lists(ld, kv, col, &pat) != 0) {
        px_buf_release(&pat);
        return NULL;
    }
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat.ptr, pat.len, opt, &err, &off, NULL);
    int expanded = strcmp(pat.ptr, kv->value) != 0;
    px_buf_release(&pat);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        /* past an expanded list the offset is in the expansion: point at the pattern */
        load_error(ld, kv->line, col + (expanded ? 0 : (uint32_t)off), "bad pattern: %s in '%s'",
                   (char *)msg, kv->value);
        return NULL;
    }
    uint32_t groups = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (groups > MAX_GROUPS) {
        load_error(ld, kv->line, col, "too many groups in pattern '%s'", kv->value);
        pcre2_code_free(re);
        return NULL;
    }
    /* Without JIT support pcre2_match interprets: slower, same answers. */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

/*
 * The byte every match of re contains: PCRE2's required code unit (the
 * rightmost literal any match has), kept when it is ASCII and no letter, so
 * that caseless matching has no other spelling of it. 0: none.
 */
static unsigned char
required_byte(const pcre2_code *re)
{
    uint32_t type = 0, unit = 0;
    if (pcre2_pattern_info(re, PCRE2_INFO_LASTCODETYPE, &type) != 0 || type != 1 ||
        pcre2_pattern_info(re, PCRE2_INFO_LASTCODEUNIT, &unit) != 0)
        return 0;
    if (unit == 0 || unit >= 0x80 || isalpha((int)unit))
        return 0;
    return (unsigned char)unit;
}

/* End the current record: compile its patterns. */
static void
close_record(struct loader *ld)
{
    struct px_rule *r = ld->cur;
    if (!r)
        return;
    ld->cur = NULL;
    size_t np = 0;
    for (size_t i = 0; i < r->nkv; i++)
        np += strcmp(r->kv[i].key, "pattern") == 0;
    if (np == 0)
        return;
    uint32_t opt = compile_options(ld, r);
    r->re = px_arena_calloc(&ld->rs->arena, np, sizeof *r->re);
    for (size_t i = 0; i < r->nkv; i++) {
        if (strcmp(r->kv[i].key, "pattern") != 0)
            continue;
        pcre2_code *re = compile_one(ld, &r->kv[i], ld->pcol[i], opt);
        if (re)
            r->re[r->nre++] = re;
    }
    r->req = px_arena_calloc(&ld->rs->arena, np, sizeof *r->req);
    for (size_t k = 0; k < r->nre; k++)
        r->req[k] = required_byte(r->re[k]);
}

static void
open_record(struct loader *ld, const char *id, size_t len, uint32_t line)
{
    close_record(ld);
    struct px_ruleset *rs = ld->rs;
    char *name = px_arena_strndup(&rs->arena, id, len);
    if (len == 0)
        load_error(ld, line, 1, "empty rule id");
    else if (px_rules_find(rs, name))
        load_error(ld, line, 2, "duplicate rule id '%s'", name);
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->rules = px_xrealloc(rs->rules, rs->cap * sizeof *rs->rules);
    }
    struct px_rule *r = &rs->rules[rs->n++];
    memset(r, 0, sizeof *r);
    r->id = name;
    r->file = ld->file;
    r->line = line;
    ld->cur = r;
    ld->kvcap = 0;
}

static int
is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static void
add_kv(struct loader *ld, const char *s, size_t len, uint32_t line)
{
    size_t k = 0;
    while (k < len && is_key_char(s[k]))
        k++;
    if (k == 0 || k >= len || s[k] != ':') {
        load_error(ld, line, (uint32_t)k + 1, "expected 'key: value' in '%.*s'", (int)len, s);
        return;
    }
    struct px_rule *r = ld->cur;
    if (!r) {
        load_error(ld, line, 1, "'%.*s' line outside a rule (start one with @id)", (int)k, s);
        return;
    }
    size_t v = k + 1;
    while (v < len && (s[v] == ' ' || s[v] == '\t'))
        v++;
    if (r->nkv == ld->kvcap) {
        size_t cap = ld->kvcap ? ld->kvcap * 2 : 8;
        r->kv = px_arena_grow(&ld->rs->arena, r->kv, r->nkv, cap, sizeof *r->kv);
        ld->kvcap = cap;
    }
    ld->pcol = px_xrealloc(ld->pcol, ld->kvcap * sizeof *ld->pcol);
    ld->pcol[r->nkv] = (uint32_t)v + 1;
    struct px_rule_kv *kv = &r->kv[r->nkv++];
    kv->key = px_arena_strndup(&ld->rs->arena, s, k);
    kv->value = px_arena_strndup(&ld->rs->arena, s + v, len - v);
    kv->line = line;
}

static void
load_line(struct loader *ld, const char *s, size_t len, uint32_t line)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    size_t lead = 0;
    while (lead < len && (s[lead] == ' ' || s[lead] == '\t'))
        lead++;
    if (lead == len) {
        close_record(ld);
        return;
    }
    if (s[lead] == '#')
        return;
    if (s[lead] == '@') {
        open_record(ld, s + lead + 1, len - lead - 1, line);
        return;
    }
    if (lead > 0) {
        load_error(ld, line, 1, "unexpected indentation");
        return;
    }
    add_kv(ld, s, len, line);
}

static int
load_text(struct px_ruleset *rs, const char *path, const char *text, size_t len, struct px_diag *dg)
{
    struct loader ld = {.rs = rs, .dg = dg, .file = px_arena_strdup(&rs->arena, path)};
    size_t bad;
    if (!utf8_valid(text, len, &bad) || memchr(text, '\0', len)) {
        uint32_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += text[i] == '\n';
        load_error(&ld, line, 0, "invalid utf-8 or nul byte in '%s'", path);
        return -1;
    }
    uint32_t line = 1;
    for (size_t i = 0; i < len; line++) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        load_line(&ld, text + i, end - i, line);
        i = end + 1;
    }
    close_record(&ld);
    free(ld.pcol);
    return ld.errors ? -1 : 0;
}

int
px_rules_load_file(struct px_ruleset *rs, const char *path, struct px_diag *dg)
{
    struct px_buf text = PX_BUF_INIT;
    if (px_read_file(path, &text) != 0)
        return px_error(dg, "cannot read rule file '%s': %s", path, strerror(errno));
    int rc = load_text(rs, path, text.ptr, text.len, dg);
    px_buf_release(&text);
    return rc;
}

static int
has_rules_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && name[0] != '.' && strcmp(name + n - 6, ".rules") == 0;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
px_rules_load_dir(struct px_ruleset *rs, const char *dir, struct px_diag *dg)
{
    DIR *d = opendir(dir);
    if (!d)
        return px_error(dg, "cannot open rules directory '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!has_rules_suffix(e->d_name))
            continue;
        if (n == cap)
            names = px_xrealloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
        names[n++] = px_xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1) /* qsort wants a valid array even for no items */
        qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    struct px_buf path = PX_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        px_buf_clear(&path);
        px_buf_printf(&path, "%s/%s", dir, names[i]);
        if (px_rules_load_file(rs, path.ptr, dg) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    px_buf_release(&path);
    return rc;
}

#ifndef PX_SOURCE_RULES_DIR
#define PX_SOURCE_RULES_DIR "rules"
#endif
#ifndef PX_INSTALL_RULES_DIR
#define PX_INSTALL_RULES_DIR "/usr/local/share/planex/rules"
#endif

const char *
px_rules_default_dir(void)
{
    const char *env = getenv("PLANEX_RULES");
    if (env && *env)
        return env;
    struct stat st;
    if (stat(PX_SOURCE_RULES_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        return PX_SOURCE_RULES_DIR;
    return PX_INSTALL_RULES_DIR;
}

/* ---- lookup ---- */

const struct px_rule *
px_rules_find(const struct px_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].id, id) == 0)
            return &rs->rules[i];
    return NULL;
}

const char *
px_rule_get(const struct px_rule *r, const char *key)
{
    size_t i = 0;
    return px_rule_next(r, key, &i);
}

const char *
px_rule_next(const struct px_rule *r, const char *key, size_t *i)
{
    for (; *i < r->nkv; (*i)++)
        if (strcmp(r->kv[*i].key, key) == 0)
            return r->kv[(*i)++].value;
    return NULL;
}

int
px_rule_in(const struct px_rule *r, const char *prefix)
{
    return strncmp(r->id, prefix, strlen(prefix)) == 0;
}

/* ---- matching ---- */

/* One pattern from start: 1 match, 0 none, -1 error. */
static int
match_one(const struct px_ruleset *rs, pcre2_code *re, const char *s, size_t len, size_t start)
{
    int rc = pcre2_match(re, (PCRE2_SPTR)s, len, start, PCRE2_NO_UTF_CHECK, rs->md, rs->mctx);
    if (rc >= 0)
        return 1;
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

static void
fill_match(const struct px_ruleset *rs, size_t which, struct px_match *m)
{
    m->ovector = pcre2_get_ovector_pointer(rs->md);
    m->npairs = pcre2_get_ovector_count(rs->md);
    m->start = m->ovector[0];
    m->end = m->ovector[1];
    m->which = which;
}

int
px_rule_match(const struct px_ruleset *rs, const struct px_rule *r, const char *subject, size_t len,
              size_t start, struct px_match *m)
{
    if (start > len)
        return 0;
    size_t best = SIZE_MAX, best_at = SIZE_MAX, last = SIZE_MAX;
    int err = 0;
    for (size_t k = 0; k < r->nre; k++) {
        /* a byte every match needs is not there: no match, and no need to ask */
        if (r->req && r->req[k] && !memchr(subject + start, r->req[k], len - start))
            continue;
        int rc = match_one(rs, r->re[k], subject, len, start);
        if (rc < 0)
            err = 1;
        if (rc <= 0)
            continue;
        last = k;
        PCRE2_SIZE at = pcre2_get_ovector_pointer(rs->md)[0];
        if (at < best_at) {
            best_at = at;
            best = k;
        }
    }
    if (best == SIZE_MAX)
        return err ? -1 : 0;
    /* The scratch ovector holds the last successful pattern: redo the winner if another. */
    if (best != last && match_one(rs, r->re[best], subject, len, best_at) != 1)
        return -1;
    fill_match(rs, best, m);
    return 1;
}

int
px_match_group(const struct px_rule *r, const struct px_match *m, const char *subject,
               const char *name, struct px_str *out)
{
    if (m->which >= r->nre)
        return 0;
    PCRE2_SPTR first, last;
    int size = pcre2_substring_nametable_scan(r->re[m->which], (PCRE2_SPTR)name, &first, &last);
    if (size <= 0)
        return 0;
    /* Duplicate names (PCRE2_DUPNAMES): the first group that took part wins. */
    for (PCRE2_SPTR e = first; e <= last; e += size) {
        uint32_t g = ((uint32_t)e[0] << 8) | e[1];
        if (g >= m->npairs || m->ovector[2 * g] == PCRE2_UNSET)
            continue;
        out->p = subject + m->ovector[2 * g];
        out->len = m->ovector[2 * g + 1] - m->ovector[2 * g];
        return 1;
    }
    return 0;
}

/* ---- self-test ---- */

static int
check_line(const struct px_ruleset *rs, struct px_normalizer *nz, const struct px_rule *r,
           const struct px_rule_kv *kv, int want, struct px_diag *dg)
{
    struct px_buf key = PX_BUF_INIT;
    int rc = px_normalize(nz, kv->value, strlen(kv->value), PX_NORM_KEY, &key, NULL, dg);
    struct px_match m;
    int got = rc == 0 ? px_rule_match(rs, r, key.ptr, key.len, 0, &m) : -1;
    int fail = got != want;
    if (fail)
        px_diag_report(dg, PX_ERROR, r->file, kv->line, 0, "rule '%s': %s '%s' %s", r->id,
                       want ? "example" : "counter", kv->value,
                       got < 0 ? "hit a match limit"
                       : want  ? "does not match"
                               : "matches");
    px_buf_release(&key);
    return fail;
}

int
px_rules_selftest(const struct px_ruleset *rs, struct px_normalizer *nz, struct px_diag *dg)
{
    int failures = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const struct px_rule *r = &rs->rules[i];
        if (r->nre == 0)
            continue;
        for (size_t k = 0; k < r->nkv; k++) {
            const struct px_rule_kv *kv = &r->kv[k];
            if (strcmp(kv->key, "example") == 0)
                failures += check_line(rs, nz, r, kv, 1, dg);
            else if (strcmp(kv->key, "counter") == 0)
                failures += check_line(rs, nz, r, kv, 0, dg);
        }
    }
    return failures;
}

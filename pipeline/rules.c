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

#include <unicode/uchar.h>
#include <unicode/utf8.h>

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

/* ---- literal sets: what every match of a pattern must hold ---- */

/*
 * A small reader of the pattern syntax the rule files use. It finds, for
 * each sequence, literal strings one of which any match contains: a run of
 * literal characters that no quantifier makes optional, or the union of the
 * alternatives of a required group. Anything it does not know (inline
 * options, conditionals, recursion, extended mode) gives no set, and the
 * pattern is always tried: the sets only ever skip a rule that cannot
 * match.
 */
enum {
    LIT_MAX = 24, /* alternatives kept per set: past that the test costs more than it saves */
    LIT_MIN = 2,  /* bytes: a shorter literal is in nearly every text */
};

struct litset {
    int known;
    size_t n;
    struct px_buf s[LIT_MAX];
};

struct litreader {
    const char *p, *end;
    int caseless;
    int bad; /* syntax not understood: no set for the pattern */
};

static void
litset_clear(struct litset *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        px_buf_release(&ls->s[i]);
    ls->n = 0;
    ls->known = 0;
}

static size_t
litset_minlen(const struct litset *ls)
{
    size_t m = SIZE_MAX;
    for (size_t i = 0; i < ls->n; i++)
        if (ls->s[i].len < m)
            m = ls->s[i].len;
    return ls->n ? m : 0;
}

/* Take cand when it is a better test than *best (longer shortest literal, then fewer). */
static void
litset_offer(struct litset *best, struct litset *cand)
{
    size_t cm = litset_minlen(cand), bm = litset_minlen(best);
    if (cand->known && cand->n && (!best->known || cm > bm || (cm == bm && cand->n < best->n))) {
        litset_clear(best);
        *best = *cand;
        memset(cand, 0, sizeof *cand);
    } else {
        litset_clear(cand);
    }
}

static void
litset_add(struct litset *ls, const char *s, size_t len)
{
    if (ls->n == LIT_MAX) {
        litset_clear(ls);
        return;
    }
    ls->s[ls->n] = (struct px_buf)PX_BUF_INIT;
    px_buf_put(&ls->s[ls->n++], s, len);
}

/* End a run of literals: offer it as a one-string set. */
static void
run_close(struct px_buf *run, struct litset *best)
{
    if (run->len) {
        struct litset c = {.known = 1};
        litset_add(&c, run->ptr, run->len);
        litset_offer(best, &c);
    }
    px_buf_clear(run);
}

/* Quantifier after an atom: its minimum count, or -1 when there is none. */
static long
read_quant(struct litreader *lr)
{
    const char *p = lr->p;
    long min = -1;
    if (p < lr->end && (*p == '?' || *p == '*')) {
        min = 0;
        p++;
    } else if (p < lr->end && *p == '+') {
        min = 1;
        p++;
    } else if (p < lr->end && *p == '{') {
        const char *q = p + 1;
        long n = 0;
        int digits = 0;
        while (q < lr->end && isdigit((unsigned char)*q) && n < 100000) {
            n = n * 10 + (*q++ - '0');
            digits = 1;
        }
        if (!digits)
            return -1; /* "{" or "{,m}": a literal brace */
        if (q < lr->end && *q == ',')
            for (q++; q < lr->end && isdigit((unsigned char)*q);)
                q++;
        if (q >= lr->end || *q != '}')
            return -1;
        min = n;
        p = q + 1;
    } else {
        return -1;
    }
    if (p < lr->end && (*p == '?' || *p == '+'))
        p++; /* lazy or possessive: same minimum */
    lr->p = p;
    return min;
}

/* Bytes of the UTF-8 character at p (1 for a stray byte). */
static size_t
char_len(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return (size_t)(end - p) < n ? 1 : n;
}

/*
 * The character at p as key text spells it, into out: a caseless pattern's
 * letter matches only itself in case-folded text when it is its own case
 * fold. 0 when it cannot be used as a literal.
 */
static int
key_char(const struct litreader *lr, const char *p, size_t n, char out[4])
{
    memcpy(out, p, n);
    if (!lr->caseless)
        return 1;
    if (n == 1) {
        if (*p >= 'A' && *p <= 'Z')
            out[0] = (char)(*p - 'A' + 'a');
        return 1;
    }
    UChar32 c;
    int32_t i = 0;
    U8_NEXT((const uint8_t *)p, i, (int32_t)n, c);
    return c >= 0 && (size_t)i == n && u_foldCase(c, U_FOLD_CASE_DEFAULT) == c;
}

static void lit_alt(struct litreader *lr, struct litset *out);

/* Skip an escape's argument ("\p{L}", "\x41", "\k<n>", "\1"). */
static void
skip_escape_arg(struct litreader *lr, char c)
{
    const char *p = lr->p;
    if (p < lr->end && *p == '{' && strchr("pPxogkNu", c)) {
        while (p < lr->end && *p != '}')
            p++;
        p += p < lr->end;
    } else if (c == 'k' && p < lr->end && (*p == '<' || *p == '\'')) {
        char close = *p == '<' ? '>' : '\'';
        for (p++; p < lr->end && *p != close;)
            p++;
        p += p < lr->end;
    } else if (c == 'x') {
        for (int i = 0; i < 2 && p < lr->end && isxdigit((unsigned char)*p); i++)
            p++;
    } else if (isdigit((unsigned char)c)) {
        while (p < lr->end && isdigit((unsigned char)*p))
            p++;
    } else if (c == 'c') {
        p += p < lr->end;
    } else if (c == 'p' || c == 'P') {
        p += p < lr->end; /* \pL */
    }
    lr->p = p;
}

/* Skip a character class; lr->p is past its '['. */
static void
skip_class(struct litreader *lr)
{
    const char *p = lr->p;
    if (p < lr->end && *p == '^')
        p++;
    if (p < lr->end && *p == ']')
        p++;
    while (p < lr->end && *p != ']') {
        if (*p == '\\') {
            if (p + 1 < lr->end && p[1] == 'Q')
                lr->bad = 1;
            p += 2;
        } else if (*p == '[' && p + 1 < lr->end && p[1] == ':') {
            const char *q = strstr(p + 2, ":]");
            p = q && q < lr->end ? q + 2 : p + 1;
        } else {
            p++;
        }
    }
    if (p >= lr->end)
        lr->bad = 1;
    lr->p = p < lr->end ? p + 1 : lr->end;
}

/*
 * Open a group at lr->p (past its '('): 1 for a group whose content a match
 * holds (capturing, non-capturing, named, atomic, branch reset), 0 for a
 * look-around; bad for anything else.
 */
static int
open_group(struct litreader *lr)
{
    const char *p = lr->p;
    if (p >= lr->end || (*p != '?' && *p != '*'))
        return 1;
    if (*p == '*' || p + 1 >= lr->end) {
        lr->bad = 1;
        return 0;
    }
    p++;
    int keep = 1;
    if (*p == ':' || *p == '>' || *p == '|') {
        p++;
    } else if (*p == '=' || *p == '!') {
        keep = 0;
        p++;
    } else if (*p == '<' && p + 1 < lr->end && (p[1] == '=' || p[1] == '!')) {
        keep = 0;
        p += 2;
    } else if (*p == '<' || *p == '\'' || (*p == 'P' && p + 1 < lr->end && p[1] == '<')) {
        char close = *p == '\'' ? '\'' : '>';
        while (p < lr->end && *p != close)
            p++;
        if (p >= lr->end)
            lr->bad = 1;
        p += p < lr->end;
    } else {
        lr->bad = 1; /* options, conditionals, recursion, comments */
    }
    lr->p = p;
    return keep;
}

/* One sequence up to '|', ')' or the end: its best literal set into best. */
static void
lit_seq(struct litreader *lr, struct litset *best)
{
    struct px_buf run = PX_BUF_INIT;
    memset(best, 0, sizeof *best);
    while (lr->p < lr->end && !lr->bad && *lr->p != '|' && *lr->p != ')') {
        const char *p = lr->p;
        char lit[4];
        size_t litlen = 0;      /* > 0: the atom is this literal character */
        const char *pre = NULL; /* \Q…\E: literal bytes before the last character */
        size_t prelen = 0;
        struct litset group = {0};
        int is_group = 0;
        if (*p == '\\' && p + 1 < lr->end) {
            char c = p[1];
            lr->p = p + 2;
            if (c == 'Q') {
                const char *q = lr->p;
                const char *e = strstr(q, "\\E");
                if (!e || e > lr->end)
                    e = lr->end;
                /* the last character takes a quantifier after \E */
                const char *last = q;
                int usable = e > q;
                for (const char *s = q; s < e; s += char_len(s, e)) {
                    char tmp[4];
                    usable &= key_char(lr, s, char_len(s, e), tmp);
                    last = s;
                }
                if (usable) {
                    pre = q;
                    prelen = (size_t)(last - q);
                    size_t n = char_len(last, e);
                    key_char(lr, last, n, lit);
                    litlen = n;
                }
                lr->p = e < lr->end ? e + 2 : lr->end;
            } else if (isalnum((unsigned char)c)) {
                skip_escape_arg(lr, c);
            } else {
                size_t n = char_len(p + 1, lr->end);
                litlen = key_char(lr, p + 1, n, lit) ? n : 0;
                lr->p = p + 1 + n;
            }
        } else if (*p == '[') {
            lr->p = p + 1;
            skip_class(lr);
        } else if (*p == '(') {
            lr->p = p + 1;
            is_group = open_group(lr);
            if (lr->bad)
                break;
            lit_alt(lr, &group);
            if (lr->p >= lr->end || *lr->p != ')') {
                lr->bad = 1;
                litset_clear(&group);
                break;
            }
            lr->p++;
        } else if (*p == '.' || *p == '^' || *p == '$') {
            lr->p = p + 1;
        } else {
            size_t n = char_len(p, lr->end);
            litlen = key_char(lr, p, n, lit) ? n : 0;
            lr->p = p + n;
        }
        long min = read_quant(lr);
        if (pre && prelen) {
            /* key text of the quoted characters before the last one */
            for (const char *c = pre; c < pre + prelen;) {
                size_t n = char_len(c, pre + prelen);
                char tmp[4];
                key_char(lr, c, n, tmp);
                px_buf_put(&run, tmp, n);
                c += n;
            }
        }
        if (litlen && (min < 0 || min >= 1)) {
            px_buf_put(&run, lit, litlen);
            if (min >= 0)
                run_close(&run, best); /* repeated: the next character need not follow */
        } else if (is_group && min != 0) {
            run_close(&run, best);
            litset_offer(best, &group);
        } else {
            run_close(&run, best);
        }
        litset_clear(&group);
    }
    run_close(&run, best);
    px_buf_release(&run);
}

/* Alternatives up to ')' or the end: the union of their sets. */
static void
lit_alt(struct litreader *lr, struct litset *out)
{
    memset(out, 0, sizeof *out);
    out->known = 1;
    for (;;) {
        struct litset seq;
        lit_seq(lr, &seq);
        if (!seq.known || lr->bad)
            out->known = 0;
        for (size_t i = 0; out->known && i < seq.n; i++)
            litset_add(out, seq.s[i].ptr, seq.s[i].len);
        litset_clear(&seq);
        if (!out->known)
            litset_clear(out);
        if (lr->p < lr->end && *lr->p == '|' && !lr->bad) {
            lr->p++;
            continue;
        }
        break;
    }
}

/* The literal set of one (expanded) pattern into lits, arena-owned. */
static void
pattern_lits(struct px_arena *a, const char *pat, size_t len, uint32_t opt,
             struct px_rule_lits *lits)
{
    memset(lits, 0, sizeof *lits);
    if (opt & PCRE2_EXTENDED)
        return;
    struct litreader lr = {.p = pat, .end = pat + len, .caseless = (opt & PCRE2_CASELESS) != 0};
    struct litset ls;
    lit_alt(&lr, &ls);
    if (!lr.bad && lr.p == lr.end && ls.known && ls.n && litset_minlen(&ls) >= LIT_MIN) {
        lits->s = px_arena_calloc(a, ls.n, sizeof *lits->s);
        lits->len = px_arena_calloc(a, ls.n, sizeof *lits->len);
        for (size_t i = 0; i < ls.n; i++) {
            lits->s[i] = px_arena_strndup(a, ls.s[i].ptr, ls.s[i].len);
            lits->len[i] = ls.s[i].len;
        }
        lits->n = ls.n;
    }
    litset_clear(&ls);
}

static pcre2_code *
compile_one(struct loader *ld, const struct px_rule_kv *kv, uint32_t col, uint32_t opt,
            struct px_rule_lits *lits, const char **compiled)
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
    if (re) {
        pattern_lits(&ld->rs->arena, pat.ptr, pat.len, opt, lits);
        *compiled = px_arena_strndup(&ld->rs->arena, pat.ptr, pat.len);
    }
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
    r->lits = px_arena_calloc(&ld->rs->arena, np, sizeof *r->lits);
    r->expanded = px_arena_calloc(&ld->rs->arena, np, sizeof *r->expanded);
    for (size_t i = 0; i < r->nkv; i++) {
        if (strcmp(r->kv[i].key, "pattern") != 0)
            continue;
        pcre2_code *re =
            compile_one(ld, &r->kv[i], ld->pcol[i], opt, &r->lits[r->nre], &r->expanded[r->nre]);
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
        if (r->kv[*i].key[0] == key[0] && strcmp(r->kv[*i].key, key) == 0) /* first byte inline */
            return r->kv[(*i)++].value;
    return NULL;
}

int
px_rule_in(const struct px_rule *r, const char *prefix)
{
    /* the first byte inline: it rules nearly every rule out */
    return !prefix[0] || (r->id[0] == prefix[0] && strncmp(r->id, prefix, strlen(prefix)) == 0);
}

static void
put_counted(struct px_buf *out, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    px_buf_printf(out, "%zu:", n);
    px_buf_put(out, s ? s : "", n);
}

void
px_rule_canonical(const struct px_rule *r, struct px_buf *out)
{
    put_counted(out, r->id);
    px_buf_printf(out, "%zu,%zu;", r->nkv, r->nre);
    for (size_t i = 0; i < r->nkv; i++) {
        put_counted(out, r->kv[i].key);
        put_counted(out, r->kv[i].value);
    }
    for (size_t k = 0; k < r->nre; k++)
        put_counted(out, r->expanded[k]);
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

/* Does s[0..len) hold lit[0..n)? */
static int
holds(const char *s, size_t len, const char *lit, size_t n)
{
    for (const char *p = s, *end = s + len; (size_t)(end - p) >= n;) {
        p = memchr(p, lit[0], (size_t)(end - p) - n + 1);
        if (!p)
            return 0;
        /* the second byte first, inline: most first-byte hits fail there */
        if ((n < 2 || p[1] == lit[1]) && memcmp(p, lit, n) == 0)
            return 1;
        p++;
    }
    return 0;
}

static unsigned
pair_hash(unsigned char a, unsigned char b)
{
    return ((unsigned)a * 251u + b) & 4095u;
}

void
px_rule_probe_init(struct px_rule_probe *p, const char *s, size_t len)
{
    p->s = s;
    p->len = len;
    memset(p->bits, 0, sizeof p->bits);
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i + 1 < len; i++) {
        unsigned h = pair_hash(u[i], u[i + 1]);
        p->bits[h >> 6] |= UINT64_C(1) << (h & 63);
    }
}

/* Has the probed subject every byte pair of lit? (no: lit is not in it) */
static int
probe_pairs(const struct px_rule_probe *p, const char *lit, size_t n)
{
    const unsigned char *u = (const unsigned char *)lit;
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned h = pair_hash(u[i], u[i + 1]);
        if (!(p->bits[h >> 6] & (UINT64_C(1) << (h & 63))))
            return 0;
    }
    return 1;
}

/* May pattern k of r match in key text s[0..len)? (its literal set, rules.h)
 * probe, when not NULL, is of a subject that s[0..len) is part of. */
static int
pattern_may_match(const struct px_rule *r, size_t k, const struct px_rule_probe *probe,
                  const char *s, size_t len)
{
    const struct px_rule_lits *l = r->lits ? &r->lits[k] : NULL;
    if (!l || l->n == 0)
        return 1;
    for (size_t i = 0; i < l->n; i++)
        if ((!probe || probe_pairs(probe, l->s[i], l->len[i])) && holds(s, len, l->s[i], l->len[i]))
            return 1;
    return 0;
}

static int
rule_match(const struct px_ruleset *rs, const struct px_rule *r, const char *subject, size_t len,
           size_t start, struct px_match *m, int key, const struct px_rule_probe *probe)
{
    if (start > len)
        return 0;
    size_t best = SIZE_MAX, best_at = SIZE_MAX, last = SIZE_MAX;
    int err = 0;
    for (size_t k = 0; k < r->nre; k++) {
        /* a byte every match needs is not there: no match, and no need to ask */
        if (r->req && r->req[k] && !memchr(subject + start, r->req[k], len - start))
            continue;
        /* on key text: none of the literals every match holds is there */
        if (key && !pattern_may_match(r, k, probe, subject + start, len - start))
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
px_rule_match(const struct px_ruleset *rs, const struct px_rule *r, const char *subject, size_t len,
              size_t start, struct px_match *m)
{
    return rule_match(rs, r, subject, len, start, m, 0, NULL);
}

int
px_rule_match_key(const struct px_ruleset *rs, const struct px_rule *r,
                  const struct px_rule_probe *probe, const char *subject, size_t len, size_t start,
                  struct px_match *m)
{
    return rule_match(rs, r, subject, len, start, m, 1, probe);
}

int
px_rule_may_match(const struct px_rule *r, const char *subject, size_t len)
{
    if (!r->lits)
        return r->nre > 0;
    for (size_t k = 0; k < r->nre; k++)
        if (pattern_may_match(r, k, NULL, subject, len))
            return 1;
    return 0;
}

int
px_rule_may_match_probe(const struct px_rule *r, const struct px_rule_probe *p)
{
    if (!r->lits)
        return r->nre > 0;
    for (size_t k = 0; k < r->nre; k++)
        if (pattern_may_match(r, k, p, p->s, p->len))
            return 1;
    return 0;
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
    /* the literal test must never rule out a text the rule matches */
    int skipped = got == 1 && (!px_rule_may_match(r, key.ptr, key.len) ||
                               px_rule_match_key(rs, r, NULL, key.ptr, key.len, 0, &m) != 1);
    int fail = got != want || skipped;
    if (skipped)
        px_diag_report(dg, PX_ERROR, r->file, kv->line, 0,
                       "rule '%s': %s '%s' matches, but its literal test rules it out "
                       "(a bug in pipeline/rules.c)",
                       r->id, want ? "example" : "counter", kv->value);
    else if (fail)
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

/*
 * rules — the rule files under rules/: data read at run time, compiled once.
 *
 * Includes buf.h, arena.h, diag.h and PCRE2. Used by extraction (targets,
 * deadlines, agencies, tasks, document facts) and by the rule self-test.
 *
 * File format (*.rules, UTF-8, line oriented):
 *
 *     # a comment
 *     @target.online_share            <- a record starts with @id
 *     field: target                   <- "key: value" lines; keys repeat freely
 *     metric: online_conference_share
 *     pattern: trực tuyến.{0,40}?(?<cmp>tối thiểu|≥)\s*(?<value>\d+)\s*%
 *     example: hội nghị trực tuyến ≥ 60%
 *     counter: hội nghị trực tiếp ≤ 40%
 *                                     <- a blank line or the next @id ends it
 *
 * `pattern` is compiled with PCRE2_UTF|PCRE2_UCP (plus PCRE2_CASELESS when
 * the record says `flags: i`) and JIT, once, at load. Patterns are matched
 * on normalised key text (normalize.h, PX_NORM_KEY: NFC, case-folded),
 * so they are written in lower case. Subjects are validated UTF-8 already:
 * matching passes PCRE2_NO_UTF_CHECK. A match context bounds match and
 * depth limits (hostile input cannot make a rule run away).
 *
 * A record may have several `pattern:` lines; each compiles separately and
 * px_rule_match() tries them in order.
 *
 * A pattern may write "{{other.id}}" for the `word:` values of an earlier
 * record (same file above, or a file loaded before) as one group
 * "(?:w1|w2|…)", each word literal, longest first: one shared word list
 * (e.g. the comparison words of rules/targets.rules) serves many patterns.
 *
 * Errors in a rule file are reported as `rules/x.rules:LINE:COL: error: …`
 * (PCRE2's erroroffset becomes the column) and the load fails.
 *
 * Ownership: a struct px_ruleset owns every rule, string and compiled code;
 * all of it lives until px_ruleset_release().
 */
#ifndef PX_RULES_H
#define PX_RULES_H

#include "arena.h"
#include "buf.h"
#include "diag.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stddef.h>
#include <stdint.h>

struct px_rule_kv {
    const char *key;
    const char *value;
    uint32_t line;
};

/* Literals one of which every match of a pattern holds (arena-owned). */
struct px_rule_lits {
    const char **s; /* each NUL-terminated, in key text form */
    size_t *len;
    size_t n; /* 0: none known, the pattern is always tried */
};

struct px_rule {
    const char *id;   /* "target.online_share" */
    const char *file; /* path as loaded */
    uint32_t line;    /* line of the @id */
    struct px_rule_kv *kv;
    size_t nkv;
    pcre2_code **re; /* one per `pattern:` line, JIT-compiled; nre may be 0 */
    size_t nre;
    /* per pattern: an ASCII byte every match contains (PCRE2's required
     * code unit, when it has no other case), or 0; NULL: none known */
    unsigned char *req;
    /* per pattern (nre of them): see px_rule_may_match; NULL: none known */
    struct px_rule_lits *lits;
    /* per pattern (nre of them): the pattern compiled, word lists expanded */
    const char **expanded;
};

struct px_ruleset {
    struct px_rule *rules;
    size_t n, cap;
    struct px_arena arena;
    pcre2_match_context *mctx; /* match/depth limits */
    pcre2_jit_stack *jit_stack;
    pcre2_match_data *md; /* scratch for px_rule_match; not thread-safe */
};

struct px_match {
    size_t start, end; /* byte offsets of the whole match in the subject */
    size_t which;      /* index of the pattern that matched */
    PCRE2_SIZE *ovector;
    uint32_t npairs;
};

void px_ruleset_init(struct px_ruleset *rs);
void px_ruleset_release(struct px_ruleset *rs);

/* Load one file (appending). Returns 0, or -1 with diagnostics. */
int px_rules_load_file(struct px_ruleset *rs, const char *path, struct px_diag *dg);
/* Load every *.rules file of a directory, in name order. */
int px_rules_load_dir(struct px_ruleset *rs, const char *dir, struct px_diag *dg);
/* The rules directory to use: $PLANEX_RULES, else the build's source rules/, else the install path.
 */
const char *px_rules_default_dir(void);

const struct px_rule *px_rules_find(const struct px_ruleset *rs, const char *id);
/* First value of key, or NULL. */
const char *px_rule_get(const struct px_rule *r, const char *key);
/* Iterate values of key: pass *i = 0 first; returns NULL at the end. */
const char *px_rule_next(const struct px_rule *r, const char *key, size_t *i);
/* True when the rule's id starts with prefix (e.g. "target."). */
int px_rule_in(const struct px_rule *r, const char *prefix);
/*
 * Append to out everything that decides what r does: its id, every
 * `key: value` in order and each pattern as compiled (word lists
 * expanded, so an edit of a list shows in every rule using it). Equal
 * output, equal behaviour; used to tell whether a rule edit can change a
 * stored extraction (extract.h, fingerprints). Each string is preceded by
 * its length, so no two different rules give the same bytes.
 */
void px_rule_canonical(const struct px_rule *r, struct px_buf *out);

/*
 * Find the first match of any of r's patterns in subject[start..len),
 * leftmost over all patterns. Returns 1 and fills m, 0 when none, -1 on a
 * match error (limit hit: reported as a warning, treated as no match).
 * m->ovector is valid until the next px_rule_match on the same ruleset.
 */
int px_rule_match(const struct px_ruleset *rs, const struct px_rule *r, const char *subject,
                  size_t len, size_t start, struct px_match *m);
/*
 * Can any pattern of r match somewhere in subject[0..len)? 0 when every
 * pattern has a literal set (found at load by reading the pattern: a run
 * of literal characters outside optional parts, or the alternatives of a
 * group) and the subject holds none of them; 1 otherwise. The subject must
 * be key text (PX_NORM_KEY): for a caseless pattern the test is exact
 * only because key text is case-folded. A cheap test to run before a rule
 * is matched many times on one text.
 */
int px_rule_may_match(const struct px_rule *r, const char *subject, size_t len);
/*
 * Which byte pairs a subject holds (a 4,096-bit filter, built in one pass):
 * with it, a literal with a pair the subject lacks is ruled out without a
 * search. Worth building when several rules are tried on one subject.
 */
struct px_rule_probe {
    const char *s;
    size_t len;
    uint64_t bits[64];
};
void px_rule_probe_init(struct px_rule_probe *p, const char *s, size_t len);
/* px_rule_may_match with a probe of the subject. */
int px_rule_may_match_probe(const struct px_rule *r, const struct px_rule_probe *p);

/* px_rule_match on key text (PX_NORM_KEY): a pattern whose literals are not
 * in subject[start..len) is not run (see px_rule_may_match). Same answers.
 * probe: NULL, or px_rule_probe_init of subject[0..len). */
int px_rule_match_key(const struct px_ruleset *rs, const struct px_rule *r,
                      const struct px_rule_probe *probe, const char *subject, size_t len,
                      size_t start, struct px_match *m);
/* Named group of the last match: 1 with *out set, 0 when unset or unknown. */
int px_match_group(const struct px_rule *r, const struct px_match *m, const char *subject,
                   const char *name, struct px_str *out);

struct px_normalizer;
/* Check every rule against its example:/counter: lines (normalised to key text
 * with nz first). Returns the number of failures, each reported into dg. */
int px_rules_selftest(const struct px_ruleset *rs, struct px_normalizer *nz, struct px_diag *dg);

#endif

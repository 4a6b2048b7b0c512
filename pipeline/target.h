/*
 * target — find quantitative commitments ("giảm tối thiểu 10% số hội nghị",
 * "không quá 1/2 ngày", "từ 20% đến 30%") in a piece of text.
 *
 * Includes arena.h, diag.h, extract.h (struct px_target), normalize.h and
 * rules.h. Used by extraction; nothing below it includes it.
 *
 * The phrasings are data: every `@target.<name>` record of rules/targets.rules
 * names a `metric:` (a key of rules/metrics.tsv, or `other:<slug>`) and has
 * patterns with named groups:
 *   value   the figure ("60", "1/2", "1,5", "01"), required;
 *   value2  the upper figure of a range (then cmp is "range");
 *   cmp     the comparison words ("tối thiểu", "không quá", "≥", "trở lên").
 * A record may fix `cmp:` or `unit:`; otherwise cmp comes from the words in
 * the cmp group (the `@targetcmp.*` records list them: `cmp: >=` and one
 * `word:` per phrasing) or is "=" for a bare figure, and unit comes from
 * metrics.tsv. Records earlier in the file win when two claim one figure,
 * so specific phrasings go first.
 *
 * One phrase may commit two metrics ("hội nghị chuyên môn … và các hội nghị
 * quan trọng … không quá 01 ngày"): a record with `also: <metric>` gives a
 * second hit, same figure and comparison, for that metric when its pattern
 * set the named group `also` (the words naming the second metric).
 *
 * A past result is not a commitment ("Năm 2025, tỷ lệ … đạt 99,2%"). The
 * `@targetpast` record, when there is one, drops a bare figure (cmp "=",
 * no range: a comparison word is itself a commitment) when the sentence
 * before the figure holds one of its `word:` markers ("đã đạt") or starts
 * with a match of one of its patterns ("năm 2025, …"), unless that sentence
 * part also holds one of its `keep:` words ("phấn đấu"). Words match whole
 * words of key text.
 *
 * Matching runs on the key text (PX_NORM_KEY) of the input; offsets are
 * mapped back, so hits cite the input given to px_targets_find().
 *
 * Ownership: a finder borrows its ruleset (which must outlive it) and owns
 * its tables (release with px_target_finder_release). Hits and their strings
 * are arena-owned by the arena passed in.
 */
#ifndef PX_TARGET_H
#define PX_TARGET_H

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "normalize.h"
#include "rules.h"

#include <stddef.h>

struct px_target_hit {
    struct px_target t; /* metric, cmp, value(2), unit, raw, prov.rule; task NULL, span zero */
    size_t start, end;  /* byte offsets of the matched words in the input text */
};

struct px_target_metric {
    char *key;  /* "online_conference_share" */
    char *unit; /* "%" | "ngày" | "phút" | "count" */
};

struct px_target_finder {
    const struct px_ruleset *rs;  /* borrowed */
    const struct px_rule **rules; /* the target.* rules, in file order */
    size_t nrules;
    const struct px_rule **cmpwords; /* the targetcmp.* rules */
    size_t ncmp;
    const struct px_rule *past; /* the targetpast rule, or NULL */
    /* The plan's own year (0 when unknown), set by the caller before each
     * document: a sentence led by an earlier year reports a past result, one
     * led by the plan's year or a later one states a commitment. */
    int plan_year;
    struct px_target_metric *metrics; /* from metrics.tsv */
    size_t nmetrics;
    char metrics_digest[65]; /* SHA-256 (hex) of metrics.tsv as read; "" without a list */
    /* Per rule: every figure of its patterns opens with \d, so a text
     * without a decimal digit cannot give it a hit; digit finds one. */
    unsigned char *needs_digit;
    int all_need_digit;
    pcre2_code *digit;
    pcre2_match_data *digit_md;
};

/*
 * Set up a finder over rs's target rules. metrics_tsv is the path of the
 * metric list (NULL: no list, units must then be given by the rules).
 * Every target rule must name a metric known to the list (or `other:`) and
 * have a unit; so must the metric of its `also:`. Returns 0, or -1 with the problems reported into
 * dg.
 */
int px_target_finder_init(struct px_target_finder *tf, const struct px_ruleset *rs,
                          const char *metrics_tsv, struct px_diag *dg);
void px_target_finder_release(struct px_target_finder *tf);

/*
 * Find every target in text[0..len) (normalised text, valid UTF-8), in
 * order of position. *hits is an arena array of *n hits (NULL when none).
 * A figure stated twice gives two hits: deduplicate with px_target_same().
 * Past results (see `@targetpast` above) give no hit.
 * Returns 0, or -1 when normalisation failed (reported).
 */
int px_targets_find(const struct px_target_finder *tf, struct px_normalizer *nz, const char *text,
                    size_t len, struct px_arena *a, struct px_target_hit **hits, size_t *n,
                    struct px_diag *dg);

/* Can text[0..len) give a hit at all? 0 when no rule can hit it (no figure):
 * then neither find function need be called, nor its key text made. */
int px_targets_may_hit(const struct px_target_finder *tf, const char *text, size_t len);

/*
 * px_targets_find on key text the caller already has: key[0..keylen) must
 * be the PX_NORM_KEY form of text[0..len) and map its offset map (keylen + 1
 * entries), both borrowed for the call; probe is NULL or the caller's
 * px_rule_probe_init of the key text. Same hits; cannot fail.
 */
void px_targets_find_keyed(const struct px_target_finder *tf, const char *text, size_t len,
                           const char *key, size_t keylen, const uint32_t *map,
                           const struct px_rule_probe *probe, struct px_arena *a,
                           struct px_target_hit **hits, size_t *n);

/* Parse a figure as written: "1/2" = 0.5, "1,5" = 1.5, "01" = 1. 0 on success. */
int px_target_parse_number(const char *s, size_t len, double *out);

/* True when a and b are the same commitment (metric, cmp, value, value2, unit). */
int px_target_same(const struct px_target *a, const struct px_target *b);

#endif

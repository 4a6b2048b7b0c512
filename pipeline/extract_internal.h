/*
 * extract_internal — what the extraction files share (private).
 *
 * Includes extract.h, agency.h, target.h and rules.h. Included only by
 * extract.c, extract_doc.c and extract_tasks.c; nothing outside the
 * extraction stage may include it.
 *
 * One extraction run is a struct px_xrun: the extractor (compiled rules,
 * borrowed normaliser, agency tables, target finder), the document being
 * read and the growing output. Every string it makes is arena-owned by the
 * document; the scratch buffers of a run are heap-owned and released by
 * px_xrun_release().
 */
#ifndef PX_EXTRACT_INTERNAL_H
#define PX_EXTRACT_INTERNAL_H

#include "agency.h"
#include "extract.h"
#include "rules.h"
#include "target.h"

#include <stddef.h>
#include <stdint.h>

/* The rules whose id starts with one prefix, in rule order (px_xmatch_any). */
struct px_xprefix {
    char *prefix;
    const struct px_rule **rules;
    size_t n;
};

struct px_extractor {
    struct px_ruleset rs;
    struct px_normalizer *nz; /* borrowed */
    struct px_agencies *ag;   /* owned */
    struct px_target_finder tf;
    int have_tf; /* the target finder was set up */
    /* rule ids hashed (open addressing, rs.rules indices + 1; 0 empty) */
    uint32_t *ids;
    size_t ids_mask;
    struct px_xprefix *prefixes; /* made on first use of each prefix */
    size_t nprefixes;
    char upstream[65], whole[65]; /* px_extractor_upstream, px_extractor_whole */
};

/* Numbering marker of a block, as the extraction ranks it. */
enum px_xmark {
    PX_XM_NONE = 0,
    PX_XM_ROMAN,  /* "II"  part of the plan */
    PX_XM_ARABIC, /* "3"   section */
    PX_XM_DOTTED, /* "3.1" sub-section */
    PX_XM_LETTER, /* "a"   item */
    PX_XM_BULLET, /* "-"   bullet */
};

/* Key text of a string: case-folded one-line form and its map back. Either
 * owned (key and map on the heap) or borrowed from the run's cache (key a
 * view with cap 0, map the cache's): px_xkey_make decides, and
 * px_xkey_release knows which. Callers only read key and map. */
struct px_xkey {
    struct px_buf key;
    uint32_t *map; /* key offset -> offset in the string keyed */
    int borrowed;  /* key and map belong to the run's cache */
};

struct px_xkeycache;

struct px_xrun {
    struct px_extractor *ex;
    struct px_doc *doc;
    struct px_extraction *out;
    struct px_diag *dg;
    size_t task_cap, target_cap;
    size_t preamble_end; /* index of the first block of the plan's body */
    size_t title_unit;   /* preamble unit right after the kind heading (the title), 0 if none */
    int *block_task;     /* per block: index of the task whose text holds it, or -1 */
    int **row_task;      /* per table block: per row task index (-1 none), or NULL */
    char **task_id;      /* per task index: its id (the targets stage links to it) */
    size_t ntask_ids;
    struct px_xkeycache *kc; /* key text of each block and cell text, made on first use */
    /* Deadline cells parsed so far (a plan repeats a few phrasings down its
     * tables): each one-line text with its deadline. Heap; px_extract frees. */
    struct px_xparsed *parsed;
    size_t nparsed;
    /* Agency texts split so far into an empty list (a plan names the same
     * agencies row after row): each text with the names. Heap; likewise. */
    struct px_xsplit *splits;
    size_t nsplits;
};

/* One agency text and the names px_agencies_split made of it (arena). */
struct px_xsplit {
    const char *text;
    size_t len;
    char **v;
    size_t n;
};

/* One deadline text and what px_deadline_parse made of it. */
struct px_xparsed {
    const char *text;
    struct px_deadline d;
};

/* Key text of s[0..len) into k (cleared first). 0, or -1 (reported). When s
 * is a block's or cell's text (the pointer itself) and len its length, the
 * key text is borrowed from the run's cache (px_xkey_cached), valid until
 * px_extract returns. */
int px_xkey_make(struct px_xrun *r, const char *s, size_t len, struct px_xkey *k);
/*
 * Key text of a block's or cell's text: s must be the pointer b->text or
 * cell->text of the document being read. Each is normalised once per
 * document, on first use. Borrowed: valid until px_extract returns; do not
 * change it. NULL when s is no such text or it could not be normalised
 * (px_xkey_make then reports why).
 */
const struct px_xkey *px_xkey_cached(struct px_xrun *r, const char *s);
void px_xkey_release(struct px_xkey *k);
/* Offset in the keyed string of key offset off. */
size_t px_xkey_src(const struct px_xkey *k, size_t off);

/* The rule with this id, or NULL. */
const struct px_rule *px_xrule(struct px_xrun *r, const char *id);
/* First rule whose id starts with prefix and matches subject (key text); NULL if none.
 * Rules whose literals (px_rule_may_match) the subject lacks are not run. */
const struct px_rule *px_xmatch_any(struct px_xrun *r, const char *prefix, const char *subject,
                                    size_t len, struct px_match *m);
/* Match of one rule on key text: 1 when found. */
int px_xmatch(struct px_xrun *r, const char *id, const char *subject, size_t len,
              struct px_match *m);

/* Marker kind of a block's number ("II", "3", "3.1", "a", "-"). */
enum px_xmark px_xmark_of(const char *number);
/* Rank of a marker: lower is higher in the outline; 99 for none. */
int px_xmark_rank(enum px_xmark k, const char *number);

/* Source span of text[off..off+len) of a block. */
struct px_span px_xblock_span(const struct px_block *b, size_t off, size_t len);

/* Arena copy of s[0..len) with runs of white space made one space and trimmed. */
char *px_xcopy_oneline(struct px_xrun *r, const char *s, size_t len);

/* Append a new zeroed task / target to the output. */
struct px_task *px_xadd_task(struct px_xrun *r);
struct px_target *px_xadd_target(struct px_xrun *r);

/* The target family: rules only the targets stage reads (ids starting "target"). The stages
 * before it cannot see them (px_xrule, px_xmatch_any), so the upstream fingerprint may leave them
 * out. */
int px_xrule_is_target(const struct px_rule *rule);

/* extract_state.c: fill ex->upstream and ex->whole (px_extractor_new, once the rules, the agency
 * tables and the target finder are loaded). */
void px_xfingerprints(struct px_extractor *ex);
/* extract_state.c: encode r's task map into r->out->taskmap (arena), after the tasks stage. */
void px_xtaskmap_encode(struct px_xrun *r);
/* extract_state.c: set r's plan year, task ids and task map from map; 0, or 1 when map does not
 * fit r->doc. */
int px_xtaskmap_decode(struct px_xrun *r, const unsigned char *map, size_t n);

/* Stages. Each returns 0, or -1 on a system failure (reported). */
int px_extract_docinfo(struct px_xrun *r);
int px_extract_tasks(struct px_xrun *r);
int px_extract_targets(struct px_xrun *r);

#endif

/* planex reextract — run extraction again from the stored blocks (after a rule edit). */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include "reload.h"

#include <stdlib.h>
#include <time.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database"},
    {"--rules DIR", "rule files (default: $PLANEX_RULES or the built-in rules)"},
    {"-q, --quiet", "no summary"},
    {NULL, NULL},
};

const struct cli_help cmd_reextract_help = {
    "planex reextract --db FILE [--rules DIR] [-q] [KEY...]",
    "Run extraction again on stored documents (all, or those named by doc key or\n"
    "key.format) from their stored blocks, without reading or parsing the source\n"
    "files, and replace their tasks, targets and document facts. Use it after a\n"
    "rule edit: the result is what a fresh ingest with the same rules stores.\n",
    options,
    "0 done, 2 usage error, 3 system failure",
};

static int
parse_opts(int argc, char **argv, struct cli_opts *co)
{
    if (cli_getopt(co, argc, argv) != -1)
        return cli_usage_error("reextract", "unknown option or missing argument '%s'",
                               argv[optind - 1]);
    if (!co->db)
        return cli_usage_error("reextract", "missing '--db FILE'");
    return 0;
}

struct run {
    struct cli_store cs;
    struct px_reload *rl;
    struct cli_extractor ce;
    size_t done, without_maps;
};

static int
reextract_one(struct run *r, int64_t id, struct px_diag *dg)
{
    struct px_doc doc;
    int has_maps;
    if (px_reload_doc(r->rl, id, &doc, &has_maps, dg) < 0)
        return -1;
    struct px_extraction ex;
    int rc = px_extract(r->ce.ex, &doc, &ex, dg);
    if (rc == 0)
        rc = px_reload_replace(r->rl, id, &ex, dg);
    px_doc_release(&doc);
    r->done += rc == 0;
    r->without_maps += !has_maps;
    return rc;
}

/* Every document under one key (or all when key is NULL). */
static int
reextract_key(struct run *r, const char *key, struct px_diag *dg)
{
    int64_t *ids;
    size_t n;
    int rc = px_reload_ids(r->rl, key, &ids, &n, dg);
    if (rc == 0 && key && n == 0)
        px_diag_report(dg, PX_WARNING, NULL, 0, 0, "no stored document '%s'", key);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = reextract_one(r, ids[i], dg);
        px_diag_clear(dg);
    }
    free(ids);
    return rc;
}

int
cmd_reextract(int argc, char **argv)
{
    struct cli_opts co = {.common = CLI_OPT_DB | CLI_OPT_RULES | CLI_OPT_QUIET};
    int rc = parse_opts(argc, argv, &co);
    if (rc)
        return rc;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct run r = {0};
    struct px_diag *dg = &r.cs.dg;
    r.rl = cli_open_store(&r.cs, co.db) == PX_EXIT_OK ? px_reload_new(r.cs.st, dg) : NULL;
    rc = r.rl ? cli_load_extractor(&r.ce, co.rules, dg) : -1;
    if (rc == 0 && optind >= argc)
        rc = reextract_key(&r, NULL, dg);
    for (int i = optind; rc == 0 && i < argc; i++)
        rc = reextract_key(&r, argv[i], dg);
    if (rc == 0 && r.without_maps)
        fprintf(stderr,
                "planex: reextract: %zu documents were stored without offset maps:"
                " their spans point at block starts (ingest them again for exact spans)\n",
                r.without_maps);
    if (rc == 0 && !co.quiet)
        fprintf(stderr, "reextracted %zu documents in %.2f s\n", r.done, cli_seconds_since(&t0));
    cli_free_extractor(&r.ce);
    px_reload_free(r.rl);
    return cli_close_store(&r.cs, rc == 0 ? PX_EXIT_OK : PX_EXIT_SYSTEM);
}

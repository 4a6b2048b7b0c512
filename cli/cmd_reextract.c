/* planex reextract — run extraction again from the stored blocks (after a rule edit). */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include "normalize.h"
#include "reload.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: planex reextract --db FILE [--rules DIR] [-q] [KEY...]\n"
    "\n"
    "Run extraction again on stored documents (all, or those named by doc key or\n"
    "key.format) from their stored blocks, without reading or parsing the source\n"
    "files, and replace their tasks, targets and document facts. Use it after a\n"
    "rule edit: the result is what a fresh ingest with the same rules stores.\n"
    "\n"
    "options:\n"
    "  --db FILE        the database\n"
    "  --rules DIR      rule files (default: $PLANEX_RULES or the built-in rules)\n"
    "  -q, --quiet      no summary\n"
    "  -h, --help       this help\n"
    "\n"
    "exit codes: 0 done, 2 usage error, 3 system failure\n";

struct opts {
    const char *db;
    const char *rules;
    int quiet;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"rules", required_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+qh", longs, NULL)) != -1) {
        if (c == 'd')
            o->db = optarg;
        else if (c == 'r')
            o->rules = optarg;
        else if (c == 'q')
            o->quiet = 1;
        else
            return cli_usage_error("reextract", "unknown option or missing argument '%s'",
                                   argv[optind - 1]);
    }
    if (!o->db)
        return cli_usage_error("reextract", "missing '--db FILE'");
    return 0;
}

struct run {
    struct px_store *st;
    struct px_reload *rl;
    struct px_normalizer *nz;
    struct px_extractor *ex;
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
    int rc = px_extract(r->ex, &doc, &ex, dg);
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

static int
setup(struct run *r, const struct opts *o, struct px_diag *dg)
{
    r->st = px_store_open(o->db, dg);
    r->rl = r->st ? px_reload_new(r->st, dg) : NULL;
    r->nz = r->rl ? px_normalizer_new(dg) : NULL;
    r->ex =
        r->nz ? px_extractor_new(o->rules ? o->rules : px_rules_default_dir(), r->nz, dg) : NULL;
    return r->ex ? 0 : -1;
}

static double
seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int
cmd_reextract(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PX_EXIT_OK;
    }
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct px_diag dg;
    px_diag_init(&dg);
    dg.echo = stderr;
    struct run r = {0};
    rc = setup(&r, &o, &dg);
    if (rc == 0 && optind >= argc)
        rc = reextract_key(&r, NULL, &dg);
    for (int i = optind; rc == 0 && i < argc; i++)
        rc = reextract_key(&r, argv[i], &dg);
    if (rc == 0 && r.without_maps)
        fprintf(stderr,
                "planex: reextract: %zu documents were stored without offset maps:"
                " their spans point at block starts (ingest them again for exact spans)\n",
                r.without_maps);
    if (rc == 0 && !o.quiet)
        fprintf(stderr, "reextracted %zu documents in %.2f s\n", r.done, seconds_since(&t0));
    px_extractor_free(r.ex);
    px_normalizer_free(r.nz);
    px_reload_free(r.rl);
    px_store_close(r.st);
    px_diag_release(&dg);
    return rc == 0 ? PX_EXIT_OK : PX_EXIT_SYSTEM;
}

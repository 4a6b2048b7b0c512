/* planex reextract — run extraction again from the stored blocks (after a rule edit). */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include "reextract.h"
#include "reload.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database"},
    {"--rules DIR", "rule files (default: $PLANEX_RULES or the built-in rules)"},
    {"-j, --jobs N", "N worker threads reload and extract, one writer (default 1)"},
    {"--full", "run every stage on every document (default: only what the edit can change)"},
    {"-q, --quiet", "no progress line and no summary"},
    {NULL, NULL},
};

const struct cli_help cmd_reextract_help = {
    "planex reextract --db FILE [--rules DIR] [-j N] [--full] [-q] [KEY...]",
    "Run extraction again on stored documents (all, or those named by doc key or\n"
    "key.format) from their stored blocks, without reading or parsing the source\n"
    "files, and replace their tasks, targets and document facts. Use it after a\n"
    "rule edit: the result is what a fresh ingest with the same rules stores.\n"
    "Documents whose records come out the same are not written again; the\n"
    "summary says how many changed.\n"
    "\n"
    "Each stored extraction keeps fingerprints of what it was made with (the\n"
    "program, the rules, the agency tables, the metric list). A document made\n"
    "with the same ones is left as it is; one whose stages before the targets\n"
    "read the same ones (an edit of target rules or metrics.tsv only) gets its\n"
    "targets stage alone; any other gets every stage. The summary says how many\n"
    "took each way.\n",
    options,
    "0 done, 2 usage error, 3 system failure",
};

enum { OPT_FULL = 0x200 }; /* above the common options' keys (common.c) */

static int
parse_opts(int argc, char **argv, struct cli_opts *co, struct px_reextract_opts *o)
{
    static const struct option longs[] = {
        {"jobs", required_argument, NULL, 'j'},
        {"full", no_argument, NULL, OPT_FULL},
        {NULL, 0, NULL, 0},
    };
    co->own = longs;
    co->own_short = "j:";
    int c;
    while ((c = cli_getopt(co, argc, argv)) != -1) {
        if (c == OPT_FULL) {
            o->full = 1;
            continue;
        }
        if (c != 'j')
            return cli_usage_error("reextract", "unknown option or missing argument '%s'",
                                   argv[optind - 1]);
        o->jobs = atoi(optarg);
        if (o->jobs < 1 || o->jobs > 256)
            return cli_usage_error("reextract", "bad number of jobs '%s'", optarg);
    }
    if (!co->db)
        return cli_usage_error("reextract", "missing '--db FILE'");
    return 0;
}

struct run {
    struct cli_store cs;
    int64_t *ids; /* every document named, in order */
    size_t n;
    int show; /* progress line on a terminal */
};

/* Add the ids of the documents under key (all when key is NULL). */
static int
add_key(struct run *r, struct px_reload *rl, const char *key, struct px_diag *dg)
{
    int64_t *ids;
    size_t n;
    if (px_reload_ids(rl, key, &ids, &n, dg) < 0)
        return -1;
    if (key && n == 0)
        px_diag_report(dg, PX_WARNING, NULL, 0, 0, "no stored document '%s'", key);
    r->ids = px_xrealloc(r->ids, (r->n + n + 1) * sizeof *r->ids);
    memcpy(r->ids + r->n, ids, n * sizeof *ids);
    r->n += n;
    free(ids);
    return 0;
}

static int
list_ids(struct run *r, int argc, char **argv, struct px_diag *dg)
{
    struct px_reload *rl = px_reload_new(r->cs.st, dg);
    int rc = rl ? 0 : -1;
    if (rc == 0 && optind >= argc)
        rc = add_key(r, rl, NULL, dg);
    for (int i = optind; rc == 0 && i < argc; i++)
        rc = add_key(r, rl, argv[i], dg);
    px_reload_free(rl);
    return rc;
}

static void
progress(void *arg, size_t i, size_t n, const struct px_reextract_tally *t)
{
    const struct run *r = arg;
    if (!r->show)
        return;
    fprintf(stderr, "\r\033[K[%zu/%zu] %zu changed", i + 1, n, t->changed);
    if (i + 1 == n)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

int
cmd_reextract(int argc, char **argv)
{
    struct px_reextract_opts o = {.jobs = 1};
    struct cli_opts co = {.common = CLI_OPT_DB | CLI_OPT_RULES | CLI_OPT_QUIET};
    int rc = parse_opts(argc, argv, &co, &o);
    if (rc)
        return rc;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct run r = {.show = !co.quiet && isatty(STDERR_FILENO)};
    struct px_diag *dg = &r.cs.dg;
    struct px_reextract_tally t = {0};
    rc = cli_open_store(&r.cs, co.db) == PX_EXIT_OK ? list_ids(&r, argc, argv, dg) : -1;
    if (rc == 0)
        rc = px_reextract(r.cs.st, co.db, co.rules, r.ids, r.n, &o, progress, &r, &t, dg);
    if (rc == 0 && t.without_maps)
        fprintf(stderr,
                "planex: reextract: %zu documents were stored without offset maps:"
                " their spans point at block starts (ingest them again for exact spans)\n",
                t.without_maps);
    if (rc == 0 && !co.quiet)
        fprintf(stderr,
                "reextracted %zu documents (%zu changed, %zu unchanged) in %.2f s;"
                " every stage ran on %zu, the targets stage alone on %zu, none on %zu"
                " (made with the same rules)\n",
                t.done, t.changed, t.done - t.changed, cli_seconds_since(&t0),
                t.done - t.targets_only - t.skipped, t.targets_only, t.skipped);
    free(r.ids);
    return cli_close_store(&r.cs, rc == 0 ? PX_EXIT_OK : PX_EXIT_SYSTEM);
}

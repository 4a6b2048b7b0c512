/* planex ingest — parse, normalise, extract and store files or directories. */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include "ingest.h"
#include "parallel.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database (created if missing)"},
    {"--rules DIR", "rule files (default: $PLANEX_RULES or the built-in rules)"},
    {"--as-baseline", "mark the documents as national baselines"},
    {"-j, --jobs N", "N worker threads parse and extract, one writer stores\n"
                     "(same result as -j 1; default 1)"},
    {"-q, --quiet", "no progress line and no summary"},
    {NULL, NULL},
};

const struct cli_help cmd_ingest_help = {
    "planex ingest --db FILE [--rules DIR] [--as-baseline] [-j N] [-q] PATH...",
    "Parse, normalise, extract and store each file; directories are walked\n"
    "recursively in name order (hidden entries skipped; .txt .md .html .htm .docx\n"
    "and files that look like HTML or DOCX). Content stored already is skipped;\n"
    "a changed file with the same name replaces its old version.\n",
    options,
    "0 every file ingested (unchanged counts), 1 some files refused,\n"
    "2 usage error, 3 system failure",
};

struct opts {
    const char *db;
    const char *rules;
    int as_baseline;
    int quiet;
    int jobs;
};

struct tally {
    size_t count[PX_INGEST_REFUSED + 1];
    size_t bytes;
    struct timespec t0;
};

static double
mb_per_s(const struct tally *t)
{
    double s = cli_seconds_since(&t->t0);
    return s > 0 ? (double)t->bytes / 1e6 / s : 0;
}

static const char *
base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void
progress(const struct tally *t, size_t i, size_t n, const char *path)
{
    fprintf(stderr, "\r\033[K[%zu/%zu] %.1f MB/s %s", i, n, mb_per_s(t), base_name(path));
    fflush(stderr);
}

static void
summary(const struct tally *t)
{
    fprintf(stderr,
            "ingested %zu new, %zu replaced, %zu unchanged, %zu refused in %.2f s (%.1f MB/s)\n",
            t->count[PX_INGEST_NEW], t->count[PX_INGEST_REPLACED], t->count[PX_INGEST_SAME],
            t->count[PX_INGEST_REFUSED], cli_seconds_since(&t->t0), mb_per_s(t));
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"as-baseline", no_argument, NULL, 'b'},
        {"jobs", required_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    struct cli_opts co = {
        .common = CLI_OPT_DB | CLI_OPT_RULES | CLI_OPT_QUIET, .own = longs, .own_short = "j:"};
    int c;
    while ((c = cli_getopt(&co, argc, argv)) != -1) {
        switch (c) {
        case 'b':
            o->as_baseline = 1;
            break;
        case 'j':
            o->jobs = atoi(optarg);
            if (o->jobs < 1 || o->jobs > 256)
                return cli_usage_error("ingest", "bad number of jobs '%s'", optarg);
            break;
        default:
            return cli_usage_error("ingest", "unknown option or missing argument '%s'",
                                   argv[optind - 1]);
        }
    }
    o->db = co.db;
    o->rules = co.rules;
    o->quiet = co.quiet;
    if (!o->db)
        return cli_usage_error("ingest", "missing '--db FILE'");
    if (optind >= argc)
        return cli_usage_error("ingest", "no file or directory to ingest");
    return 0;
}

/* Ingest every file; diagnostics are printed as they come. Returns an exit code. */
static int
ingest_all(struct px_store *st, struct px_ingest *ig, char **files, size_t n, const struct opts *o,
           struct tally *t, struct px_diag *dg)
{
    int show = !o->quiet && isatty(STDERR_FILENO);
    dg->echo = show ? NULL : stderr; /* with a progress line, print between updates */
    if (px_store_batch_begin(st, dg) < 0)
        return PX_EXIT_SYSTEM;
    for (size_t i = 0; i < n; i++) {
        if (show)
            progress(t, i + 1, n, files[i]);
        enum px_ingest_result res;
        size_t bytes;
        int rc = px_ingest_file(ig, files[i], &res, &bytes, dg);
        if (show && px_diag_count(dg, PX_WARNING)) {
            fputs("\r\033[K", stderr);
            px_diag_print(stderr, dg, PX_WARNING);
        }
        px_diag_clear(dg);
        if (rc < 0 || px_store_batch_tick(st, dg) < 0) {
            px_store_batch_commit(st, dg); /* the failed file was undone: keep the others */
            return PX_EXIT_SYSTEM;
        }
        t->count[res]++;
        t->bytes += bytes;
    }
    if (px_store_batch_commit(st, dg) < 0)
        return PX_EXIT_SYSTEM;
    if (show)
        fputs("\r\033[K", stderr);
    return t->count[PX_INGEST_REFUSED] ? PX_EXIT_BAD_INPUT : PX_EXIT_OK;
}

struct par_progress {
    struct tally *t;
    int show;
};

static void
par_progress(void *arg, size_t i, size_t n, const char *path, enum px_ingest_result res)
{
    struct par_progress *pp = arg;
    (void)res;
    if (pp->show)
        progress(pp->t, i + 1, n, path);
}

/* -j N: worker threads extract, this thread stores in file order (parallel.h). */
static int
ingest_parallel(struct px_store *st, char **files, size_t n, const struct opts *o, struct tally *t,
                struct px_diag *dg)
{
    struct par_progress pp = {t, !o->quiet && isatty(STDERR_FILENO)};
    struct px_parallel_tally pt;
    int rc = px_ingest_parallel(st, o->db, o->rules, o->as_baseline, files, n, o->jobs,
                                par_progress, &pp, &pt, dg);
    if (pp.show)
        fputs("\r\033[K", stderr);
    for (int i = 0; i <= PX_INGEST_REFUSED; i++)
        t->count[i] += pt.count[i];
    t->bytes += pt.bytes;
    if (rc < 0)
        return PX_EXIT_SYSTEM;
    return t->count[PX_INGEST_REFUSED] ? PX_EXIT_BAD_INPUT : PX_EXIT_OK;
}

int
cmd_ingest(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    struct cli_store cs;
    cli_open_store(&cs, NULL); /* the inputs are listed (and missing ones reported) first */
    struct tally t = {0};
    clock_gettime(CLOCK_MONOTONIC, &t.t0);
    char **files;
    size_t nfiles;
    size_t missing =
        px_ingest_list(argv + optind, (size_t)(argc - optind), &files, &nfiles, &cs.dg);
    t.count[PX_INGEST_REFUSED] = missing;
    px_diag_clear(&cs.dg);
    cs.st = px_store_open(o.db, &cs.dg);
    struct px_ingest *ig =
        cs.st && o.jobs <= 1 ? px_ingest_new(cs.st, o.rules, o.as_baseline, &cs.dg) : NULL;
    rc = PX_EXIT_SYSTEM;
    if (o.jobs > 1 ? cs.st != NULL : ig != NULL) {
        rc = o.jobs > 1 ? ingest_parallel(cs.st, files, nfiles, &o, &t, &cs.dg)
                        : ingest_all(cs.st, ig, files, nfiles, &o, &t, &cs.dg);
        if (rc != PX_EXIT_SYSTEM && missing)
            rc = PX_EXIT_BAD_INPUT;
        if (!o.quiet)
            summary(&t);
    }
    px_ingest_free(ig);
    px_ingest_list_free(files, nfiles);
    return cli_close_store(&cs, rc);
}

/* planex report — the cross-province report of plans against a baseline. */
#include "cli.h"

#include "diff.h"
#include "report.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
    "usage: planex report --db FILE --baseline NUMBER -o DIR [--province NAME] [--rules DIR]\n"
    "\n"
    "Write DIR/report.html (one self-contained page: the matrix plans x national\n"
    "targets, then per plan what is missing or weaker and the task coverage),\n"
    "DIR/report.csv and DIR/report.xlsx, for every stored plan implementing the\n"
    "baseline.\n"
    "\n"
    "exit codes: 0 ok, 1 no such baseline, 2 usage error, 3 system failure\n";

struct opts {
    const char *db, *baseline, *out, *province, *rules;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},     {"baseline", required_argument, NULL, 'b'},
        {"output", required_argument, NULL, 'o'}, {"province", required_argument, NULL, 'p'},
        {"rules", required_argument, NULL, 'r'},  {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+o:", longs, NULL)) != -1) {
        if (c == 'd')
            o->db = optarg;
        else if (c == 'b')
            o->baseline = optarg;
        else if (c == 'o')
            o->out = optarg;
        else if (c == 'p')
            o->province = optarg;
        else if (c == 'r')
            o->rules = optarg;
        else
            return cli_usage_error("report", "bad option or argument '%s'", argv[optind - 1]);
    }
    if (!o->db || !o->baseline || !o->out)
        return cli_usage_error("report", "missing '--db FILE', '--baseline NUMBER' or '-o DIR'");
    if (optind < argc)
        return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
    return 0;
}

static int
run(const struct opts *o, struct px_store *st, struct px_diff_ctx *cx, struct px_arena *a,
    struct px_diag *dg)
{
    struct px_baseline bl;
    int found = px_baseline_load(st, o->baseline, a, &bl, dg);
    if (found <= 0) {
        if (found == 0)
            fprintf(stderr, "planex: report: no baseline '%s' stored\n", o->baseline);
        return found < 0 ? PX_EXIT_SYSTEM : PX_EXIT_BAD_INPUT;
    }
    struct px_store_doc *docs;
    size_t n;
    if (px_diff_select(st, &bl, o->province, a, &docs, &n, dg) != 0)
        return PX_EXIT_SYSTEM;
    struct px_plan_diff *pd = px_arena_calloc(a, n + 1, sizeof *pd);
    for (size_t i = 0; i < n; i++)
        if (px_diff_plan(cx, st, &bl, &docs[i], a, &pd[i], dg) != 0)
            return PX_EXIT_SYSTEM;
    if (px_report_write(o->out, &bl, pd, n, dg) != 0)
        return PX_EXIT_SYSTEM;
    fprintf(stderr, "report: %zu plans against %s in %s/report.{html,csv,xlsx}\n", n, bl.number,
            o->out);
    return PX_EXIT_OK;
}

int
cmd_report(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PX_EXIT_OK;
    }
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    struct px_diag dg;
    px_diag_init(&dg);
    dg.echo = stderr;
    struct px_arena a;
    px_arena_init(&a);
    struct px_store *st = px_store_open(o.db, &dg);
    struct px_diff_ctx *cx = st ? px_diff_ctx_new(o.rules, &dg) : NULL;
    rc = cx ? run(&o, st, cx, &a, &dg) : PX_EXIT_SYSTEM;
    px_diff_ctx_free(cx);
    px_store_close(st);
    px_arena_release(&a);
    px_diag_release(&dg);
    return rc;
}

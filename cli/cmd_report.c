/* planex report — the cross-province report of plans against a baseline. */
#include "cli.h"

#include "diff.h"
#include "report.h"

#include <string.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database"},
    {"--baseline NUMBER", "the baseline's document number, e.g. 534/QĐ-TTg"},
    {"-o, --output DIR", "where report.html, report.csv and report.xlsx go"},
    {"--province NAME", "only the plans of one province"},
    {"--rules DIR", "where diff-stopwords.txt and diff-levels.tsv are"},
    {NULL, NULL},
};

const struct cli_help cmd_report_help = {
    "planex report --db FILE --baseline NUMBER -o DIR [--province NAME] [--rules DIR]",
    "Write DIR/report.html (one self-contained page: the matrix plans x national\n"
    "targets, then per plan what is missing or weaker and the task coverage),\n"
    "DIR/report.csv and DIR/report.xlsx, for every stored plan implementing the\n"
    "baseline.\n",
    options,
    "0 ok, 1 no such baseline, 2 usage error, 3 system failure",
};

struct opts {
    const char *db, *baseline, *out, *province, *rules;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"baseline", required_argument, NULL, 'b'},
        {"output", required_argument, NULL, 'o'},
        {"province", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    struct cli_opts co = {.common = CLI_OPT_DB | CLI_OPT_RULES, .own = longs, .own_short = "o:"};
    int c;
    while ((c = cli_getopt(&co, argc, argv)) != -1) {
        if (c == 'b')
            o->baseline = optarg;
        else if (c == 'o')
            o->out = optarg;
        else if (c == 'p')
            o->province = optarg;
        else
            return cli_usage_error("report", "bad option or argument '%s'", argv[optind - 1]);
    }
    o->db = co.db;
    o->rules = co.rules;
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
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    struct cli_store cs;
    struct px_diff_ctx *cx =
        cli_open_store(&cs, o.db) == PX_EXIT_OK ? px_diff_ctx_new(o.rules, &cs.dg) : NULL;
    rc = cx ? run(&o, cs.st, cx, &cs.a, &cs.dg) : PX_EXIT_SYSTEM;
    px_diff_ctx_free(cx);
    return cli_close_store(&cs, rc);
}

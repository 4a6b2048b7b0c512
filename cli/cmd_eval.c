/* planex eval — score stored extraction against gold answers (like tests/tools/score.py). */
#include "cli.h"

#include "eval.h"
#include "export.h"

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database"},
    {"--gold PATH", "a gold .jsonl file or a directory of them"},
    {"--docs A,B", "only these documents"},
    {"--show-errors", "list every mismatch before the table"},
    {"--json", "print the scores as one JSON object"},
    {NULL, NULL},
};

const struct cli_help cmd_eval_help = {
    "planex eval --db FILE --gold DIR|FILE [--docs A,B] [--show-errors] [--json]",
    "Export the database's records and score them against gold JSON Lines the\n"
    "way the reference scorer does: per-field precision, recall and F1, then the\n"
    "micro-F1 over all fields. Only documents present in the gold are scored.\n",
    options,
    "0 ok, 1 unreadable gold, 2 usage error, 3 system failure",
};

struct opts {
    const char *db, *gold, *docs;
    int show_errors, json;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"gold", required_argument, NULL, 'g'},
        {"docs", required_argument, NULL, 'k'},
        {"show-errors", no_argument, NULL, 'e'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    struct cli_opts co = {.common = CLI_OPT_DB, .own = longs};
    int c;
    while ((c = cli_getopt(&co, argc, argv)) != -1) {
        switch (c) {
        case 'g':
            o->gold = optarg;
            break;
        case 'k':
            o->docs = optarg;
            break;
        case 'e':
            o->show_errors = 1;
            break;
        case 'j':
            o->json = 1;
            break;
        default:
            return cli_usage_error("eval", "bad option '%s'", argv[optind - 1]);
        }
    }
    o->db = co.db;
    if (!o->db || !o->gold)
        return cli_usage_error("eval", "missing '--db FILE' or '--gold PATH'");
    if (optind < argc)
        return cli_usage_error("eval", "unexpected argument '%s'", argv[optind]);
    return 0;
}

static int
score(const struct opts *o, struct px_store *st, struct px_diag *dg)
{
    json_t *gold = json_array(), *pred = json_array();
    int rc = PX_EXIT_OK;
    if (px_eval_load_jsonl(o->gold, gold, dg) < 0)
        rc = PX_EXIT_BAD_INPUT;
    else if (px_export_records(st, NULL, 0, pred, dg) < 0)
        rc = PX_EXIT_SYSTEM;
    struct px_eval ev;
    if (rc == PX_EXIT_OK && px_eval_run(&ev, gold, pred, o->docs, o->show_errors, dg) < 0)
        rc = PX_EXIT_SYSTEM;
    if (rc == PX_EXIT_OK) {
        if (o->json)
            px_eval_print_json(stdout, &ev);
        else
            px_eval_print(stdout, &ev);
        px_eval_release(&ev);
    }
    json_decref(gold);
    json_decref(pred);
    return rc;
}

int
cmd_eval(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    struct cli_store cs;
    rc = cli_open_store(&cs, o.db);
    if (rc == PX_EXIT_OK)
        rc = score(&o, cs.st, &cs.dg);
    return cli_close_store(&cs, rc);
}

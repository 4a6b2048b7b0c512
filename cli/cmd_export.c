/* planex export — print stored records as JSON Lines or CSV (the export contract). */
#include "cli.h"

#include "export.h"

#include <string.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database"},
    {"--format F", "jsonl or csv"},
    {"--what T", "csv table: tasks, targets or documents"},
    {"--doc KEY", "only this document (its key, or key.format)"},
    {"--why", "add the rule behind each record (jsonl)"},
    {NULL, NULL},
};

const struct cli_help cmd_export_help = {
    "planex export --db FILE [--format jsonl|csv] [--what tasks|targets|documents]\n"
    "                     [--doc KEY] [--why]",
    "Print the stored records. jsonl (the default) is the export contract: per\n"
    "document, the document record, its tasks in order, then its targets. csv\n"
    "prints one table (--what, default tasks) with a UTF-8 BOM for spreadsheets.\n",
    options,
    "0 ok, 2 usage error, 3 system failure (database, output)",
};

struct opts {
    const char *db, *doc;
    int csv, with_why;
    enum px_export_table what;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"what", required_argument, NULL, 'w'},
        {"doc", required_argument, NULL, 'k'},
        {"why", no_argument, NULL, 'y'},
        {NULL, 0, NULL, 0},
    };
    static const char *const formats[] = {"jsonl", "csv", NULL};
    struct cli_opts co = {.common = CLI_OPT_DB | CLI_OPT_FORMAT, .formats = formats, .own = longs};
    int c;
    while ((c = cli_getopt(&co, argc, argv)) != -1) {
        if (c == 'k')
            o->doc = optarg;
        else if (c == 'y')
            o->with_why = 1;
        else if (c == 'w' && !strcmp(optarg, "tasks"))
            o->what = PX_EXPORT_TASKS;
        else if (c == 'w' && !strcmp(optarg, "targets"))
            o->what = PX_EXPORT_TARGETS;
        else if (c == 'w' && !strcmp(optarg, "documents"))
            o->what = PX_EXPORT_DOCUMENTS;
        else
            return cli_usage_error("export", "bad option or argument '%s'", argv[optind - 1]);
    }
    o->db = co.db;
    o->csv = co.format == 1;
    if (!o->db)
        return cli_usage_error("export", "missing '--db FILE'");
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    return 0;
}

int
cmd_export(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    struct cli_store cs;
    rc = cli_open_store(&cs, o.db);
    if (rc == PX_EXIT_OK) {
        int r = o.csv ? px_export_csv(stdout, cs.st, o.doc, o.what, &cs.dg)
                      : px_export_jsonl(stdout, cs.st, o.doc, o.with_why, &cs.dg);
        if (r != 0 || fflush(stdout) != 0)
            rc = PX_EXIT_SYSTEM;
    }
    return cli_close_store(&cs, rc);
}

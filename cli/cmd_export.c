/* planex export — print stored records as JSON Lines or CSV (the export contract). */
#include "cli.h"

#include "export.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
    "usage: planex export --db FILE [--format jsonl|csv] [--what tasks|targets|documents]\n"
    "                     [--doc KEY] [--why]\n"
    "\n"
    "Print the stored records. jsonl (the default) is the export contract: per\n"
    "document, the document record, its tasks in order, then its targets. csv\n"
    "prints one table (--what, default tasks) with a UTF-8 BOM for spreadsheets.\n"
    "\n"
    "options:\n"
    "  --db FILE        the database\n"
    "  --format F       jsonl or csv\n"
    "  --what T         csv table: tasks, targets or documents\n"
    "  --doc KEY        only this document (its key, or key.format)\n"
    "  --why            add the rule behind each record (jsonl)\n"
    "  -h, --help       this help\n"
    "\n"
    "exit codes: 0 ok, 2 usage error, 3 system failure (database, output)\n";

struct opts {
    const char *db, *doc;
    int csv, with_why;
    enum px_export_table what;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},   {"format", required_argument, NULL, 'f'},
        {"what", required_argument, NULL, 'w'}, {"doc", required_argument, NULL, 'k'},
        {"why", no_argument, NULL, 'y'},        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+", longs, NULL)) != -1) {
        if (c == 'd')
            o->db = optarg;
        else if (c == 'k')
            o->doc = optarg;
        else if (c == 'y')
            o->with_why = 1;
        else if (c == 'f' && (!strcmp(optarg, "jsonl") || !strcmp(optarg, "csv")))
            o->csv = !strcmp(optarg, "csv");
        else if (c == 'w' && !strcmp(optarg, "tasks"))
            o->what = PX_EXPORT_TASKS;
        else if (c == 'w' && !strcmp(optarg, "targets"))
            o->what = PX_EXPORT_TARGETS;
        else if (c == 'w' && !strcmp(optarg, "documents"))
            o->what = PX_EXPORT_DOCUMENTS;
        else
            return cli_usage_error("export", "bad option or argument '%s'", argv[optind - 1]);
    }
    if (!o->db)
        return cli_usage_error("export", "missing '--db FILE'");
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    return 0;
}

int
cmd_export(int argc, char **argv)
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
    struct px_store *st = px_store_open(o.db, &dg);
    rc = PX_EXIT_SYSTEM;
    if (st) {
        int r = o.csv ? px_export_csv(stdout, st, o.doc, o.what, &dg)
                      : px_export_jsonl(stdout, st, o.doc, o.with_why, &dg);
        if (r == 0 && fflush(stdout) == 0)
            rc = PX_EXIT_OK;
    }
    px_store_close(st);
    px_diag_release(&dg);
    return rc;
}

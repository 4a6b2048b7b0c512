/*
 * planex — turn Vietnamese government plan documents into data.
 * Dispatches to one function per command (cli.h).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const struct cli_help *help;
    const char *summary;
};

static const struct command commands[] = {
    {"parse", cmd_parse, &cmd_parse_help,
     "print a file's block stream (or another stage) as JSON Lines"},
    {"ingest", cmd_ingest, &cmd_ingest_help,
     "parse, normalise, extract and store files or directories"},
    {"reextract", cmd_reextract, &cmd_reextract_help,
     "re-run extraction on stored documents after a rule edit"},
    {"export", cmd_export, &cmd_export_help,
     "print stored records as JSON Lines or CSV (the export contract)"},
    {"eval", cmd_eval, &cmd_eval_help, "score stored extraction against gold answers"},
    {"show", cmd_show, &cmd_show_help, "print a readable summary of stored plans"},
    {"explain", cmd_explain, &cmd_explain_help,
     "show which rule and which source line gave each value"},
    {"diff", cmd_diff, &cmd_diff_help, "compare plans with a national baseline"},
    {"report", cmd_report, &cmd_report_help, "write the cross-province report (HTML, CSV, XLSX)"},
    {"baseline", cmd_baseline, &cmd_baseline_help, "list the baselines in a database"},
    {"merge", cmd_merge, &cmd_merge_help, "combine databases ingested as shards into one"},
    {"rules", cmd_rules, &cmd_rules_help, "check the rule files against their examples"},
};

static void
print_usage(FILE *f)
{
    fprintf(f, "usage: planex COMMAND [OPTIONS] [ARGS]\n\n"
               "Turns Vietnamese government plan documents (text, HTML, DOCX) into data,\n"
               "and compares them with the national baseline.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'planex COMMAND --help' describes one command.\n"
               "exit codes: 0 ok, 1 some input refused, 2 usage error, 3 system failure\n");
}

int
main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        print_usage(stdout);
        return argc < 2 ? PX_EXIT_USAGE : PX_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("planex %s\n", PX_VERSION);
        return PX_EXIT_OK;
    }
    const char *name = argv[1];
    int help = !strcmp(name, "help") && argc > 2;
    if (help)
        name = argv[2];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(commands[i].name, name))
            continue;
        if (help || cli_wants_help(argc - 1, argv + 1))
            return cli_print_help(stdout, commands[i].help);
        return commands[i].run(argc - 1, argv + 1);
    }
    if (help)
        return cli_usage_error("help", "unknown command '%s'", name);
    fprintf(stderr, "planex: unknown command '%s'\n", name);
    print_usage(stderr);
    return PX_EXIT_USAGE;
}

/*
 * planex — turn Vietnamese government plan documents into data.
 * Dispatches to one function per command (cli.h).
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"parse", cmd_parse, "print a file's block stream (or another stage) as JSON Lines"},
    {"ingest", cmd_ingest, "parse, normalise, extract and store files or directories"},
    {"reextract", cmd_reextract, "re-run extraction on stored documents after a rule edit"},
    {"export", cmd_export, "print stored records as JSON Lines or CSV (the export contract)"},
    {"eval", cmd_eval, "score stored extraction against gold answers"},
    {"show", cmd_show, "print a readable summary of stored plans"},
    {"explain", cmd_explain, "show which rule and which source line gave each value"},
    {"diff", cmd_diff, "compare plans with a national baseline"},
    {"report", cmd_report, "write the cross-province report (HTML, CSV, XLSX)"},
    {"baseline", cmd_baseline, "list the baselines in a database"},
    {"merge", cmd_merge, "combine databases ingested as shards into one"},
    {"rules", cmd_rules, "check the rule files against their examples"},
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
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "planex: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'planex %s --help')\n", cmd);
    va_end(ap);
    return PX_EXIT_USAGE;
}

int
cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return 1;
    }
    return 0;
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
    if (!strcmp(name, "help") && argc > 2) {
        name = argv[2];
        char *help_argv[] = {argv[2], "--help", NULL};
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (!strcmp(commands[i].name, name))
                return commands[i].run(2, help_argv);
        return cli_usage_error("help", "unknown command '%s'", name);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "planex: unknown command '%s'\n", name);
    print_usage(stderr);
    return PX_EXIT_USAGE;
}

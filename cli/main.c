/*
 * planex — turn Vietnamese government plan documents into data.
 * Dispatches to one function per command (cli.h).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const struct cli_help *help;
    const char *summary;
};

#define COMMAND(name, summary) {#name, cmd_##name, &cmd_##name##_help, summary}

static const struct command commands[] = {
    COMMAND(parse, "print a file's block stream (or another stage) as JSON Lines"),
    COMMAND(ingest, "parse, normalise, extract and store files or directories"),
    COMMAND(reextract, "re-run extraction on stored documents after a rule edit"),
    COMMAND(export, "print stored records as JSON Lines or CSV (the export contract)"),
    COMMAND(eval, "score stored extraction against gold answers"),
    COMMAND(show, "print a readable summary of stored plans"),
    COMMAND(explain, "show which rule and which source line gave each value"),
    COMMAND(diff, "compare plans with a national baseline"),
    COMMAND(report, "write the cross-province report (HTML, CSV, XLSX)"),
    COMMAND(baseline, "list the baselines in a database"),
    COMMAND(merge, "combine databases ingested as shards into one"),
    COMMAND(rules, "check the rule files against their examples"),
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

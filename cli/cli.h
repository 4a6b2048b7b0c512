/*
 * cli — the planex command line: a thin layer over the library.
 *
 * Each command lives in cli/cmd_<name>.c as `int cmd_<name>(int argc, char **argv)`
 * (argv[0] is the command name) and returns an exit code:
 *   0  everything asked was done;
 *   1  done, but some inputs were refused (bad input; see the messages);
 *   2  usage error (unknown option, missing argument);
 *   3  system failure (I/O, database, library).
 * Every command answers --help on stdout with exit 0.
 */
#ifndef PX_CLI_H
#define PX_CLI_H

#include <stdio.h>

enum px_exit {
    PX_EXIT_OK = 0,
    PX_EXIT_BAD_INPUT = 1,
    PX_EXIT_USAGE = 2,
    PX_EXIT_SYSTEM = 3,
};

int cmd_parse(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_reextract(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_rules(int argc, char **argv);

/* Print "planex: <cmd>: <message>" to stderr and return PX_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when argv holds -h or --help. */
int cli_wants_help(int argc, char **argv);

#endif

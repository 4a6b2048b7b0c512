/*
 * cli — the planex command line: a thin layer over the library.
 *
 * Each command lives in cli/cmd_<name>.c as `int cmd_<name>(int argc, char **argv)`
 * (argv[0] is the command name) and returns an exit code:
 *   0  everything asked was done;
 *   1  done, but some inputs were refused (bad input; see the messages);
 *   2  usage error (unknown option, missing argument);
 *   3  system failure (I/O, database, library).
 * Every command answers --help on stdout with exit 0: main.c prints its
 * cmd_<name>_help before the command runs.
 *
 * What the commands share lives in cli/common.c: the help layout, usage
 * errors, the common options (the same spelling and meaning everywhere),
 * opening the database and loading the rules. Includes pipeline headers
 * (store, extract, normalize); only cli/ includes this header.
 */
#ifndef PX_CLI_H
#define PX_CLI_H

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "normalize.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <time.h>

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

/* ---- help and usage errors ---- */

/* One line of a help's option list; text may hold '\n' (continuation lines are indented). */
struct cli_help_opt {
    const char *name; /* "--db FILE", "-q, --quiet" */
    const char *text;
};

/*
 * A command's --help, printed by cli_print_help() in one layout for every
 * command:
 *
 *   usage: <usage>
 *
 *   <about>
 *   options:
 *     <name>  <text>      (opts, then "-h, --help  this help")
 *
 *   exit codes: <exit_codes>
 *
 * usage may hold more lines (as printed, indentation included); about is
 * one or more lines, each ending in '\n'. All strings are borrowed.
 */
struct cli_help {
    const char *usage;
    const char *about;
    const struct cli_help_opt *opts; /* ends with {NULL, NULL}; NULL for none */
    const char *exit_codes;
};

/* Each command's help, defined in its cli/cmd_<name>.c. */
extern const struct cli_help cmd_parse_help, cmd_ingest_help, cmd_reextract_help, cmd_export_help,
    cmd_eval_help, cmd_show_help, cmd_explain_help, cmd_diff_help, cmd_report_help,
    cmd_baseline_help, cmd_merge_help, cmd_rules_help;

/* Print h to f (see struct cli_help). Returns PX_EXIT_OK, for `return cli_print_help(…)`. */
int cli_print_help(FILE *f, const struct cli_help *h);
/* Print "planex: <cmd>: <message>" to stderr and return PX_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when argv holds -h or --help (before any "--"). */
int cli_wants_help(int argc, char **argv);

/* ---- options ---- */

/* The options several commands take, with one spelling and meaning. */
enum cli_common_opts {
    CLI_OPT_DB = 1 << 0,     /* --db FILE */
    CLI_OPT_RULES = 1 << 1,  /* --rules DIR */
    CLI_OPT_FORMAT = 1 << 2, /* --format F, F one of the command's formats */
    CLI_OPT_QUIET = 1 << 3,  /* -q, --quiet */
};

/* Long options in all: the common ones and a command's own (the largest has seven). */
#define CLI_MAX_LONGS 24

/*
 * getopt_long() over the common options a command takes and its own. The
 * command fills the first four fields (the rest zero) and calls
 * cli_getopt() until it returns -1; the common options land in the result
 * fields and are not returned. Parsing stops at the first operand (POSIX
 * order), whose index is then optind. Strings are borrowed from argv.
 */
struct cli_opts {
    unsigned common;            /* enum cli_common_opts */
    const char *const *formats; /* CLI_OPT_FORMAT: the values, NULL-terminated; [0] the default */
    const struct option *own;   /* the command's own long options ({0}-terminated), or NULL */
    const char *own_short;      /* its own short options ("o:"), or NULL */
    /* results */
    const char *db, *rules;
    int format; /* index in formats */
    int quiet;
    /* getopt_long's tables, built on the first call */
    struct option longs[CLI_MAX_LONGS];
    char shorts[16];
};

/*
 * The next of the command's own options (getopt_long's value, optarg set),
 * -1 after the last option, or '?' for an unknown option, a missing
 * argument or a --format value not in formats: argv[optind - 1] is then
 * the word at fault.
 */
int cli_getopt(struct cli_opts *co, int argc, char **argv);

/* ---- the database and the rules ---- */

/* What a command over the database holds; see cli_open_store(). */
struct cli_store {
    struct px_diag dg;   /* echoed to stderr as items come */
    struct px_arena a;   /* records read back */
    struct px_store *st; /* NULL until opened */
};

/*
 * Set up cs (diagnostics on stderr, an empty arena), then open the database
 * at path unless path is NULL. Returns PX_EXIT_OK, or PX_EXIT_SYSTEM when the
 * database cannot be opened (the store has printed why). Either way the
 * command ends with cli_close_store().
 */
int cli_open_store(struct cli_store *cs, const char *path);
/* Close the store, release the arena and the diagnostics; returns rc. */
int cli_close_store(struct cli_store *cs, int rc);

/* The normaliser and the extractor that extraction needs. */
struct cli_extractor {
    struct px_normalizer *nz;
    struct px_extractor *ex;
};

/*
 * Load the rules of rules_dir (NULL: $PLANEX_RULES or the built-in rules)
 * into a new normaliser and extractor. Returns 0, or -1 (reported into dg;
 * what was made is kept for cli_free_extractor()). Free with
 * cli_free_extractor() in both cases.
 */
int cli_load_extractor(struct cli_extractor *ce, const char *rules_dir, struct px_diag *dg);
void cli_free_extractor(struct cli_extractor *ce);

/* Seconds elapsed since t0 (taken with clock_gettime(CLOCK_MONOTONIC)). */
double cli_seconds_since(const struct timespec *t0);

#endif

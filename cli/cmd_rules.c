/*
 * planex rules [--rules DIR] [--check] — load every rule file and run the
 * examples/counters self-test. Prints each failure and a summary line;
 * exits 1 when a rule file does not load or any example fails.
 */
#include "cli.h"

#include "diag.h"
#include "normalize.h"
#include "rules.h"

#include <string.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--rules DIR", "rule files (default: $PLANEX_RULES or the built-in rules)"},
    {"--check", "check the rules: the default, for scripts that say so"},
    {NULL, NULL},
};

const struct cli_help cmd_rules_help = {
    "planex rules [--rules DIR] [--check]",
    "Load every *.rules file of DIR and check each rule against its example: and\n"
    "counter: lines. Prints each failure and a summary line.\n",
    options,
    "0 every example passes, 1 a rule file does not load or an\n"
    "example fails, 2 usage error, 3 system failure",
};

static size_t
count_examples(const struct px_ruleset *rs)
{
    size_t n = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const struct px_rule *r = &rs->rules[i];
        for (size_t k = 0; r->nre > 0 && k < r->nkv; k++)
            n += strcmp(r->kv[k].key, "example") == 0 || strcmp(r->kv[k].key, "counter") == 0;
    }
    return n;
}

static int
run_check(const char *dir)
{
    struct px_diag dg;
    px_diag_init(&dg);
    dg.echo = stderr;
    dg.echo_min = PX_WARNING;
    struct px_ruleset rs;
    px_ruleset_init(&rs);
    int rc = PX_EXIT_OK;
    struct px_normalizer *nz = NULL;
    if (px_rules_load_dir(&rs, dir, &dg) != 0) {
        rc = px_diag_count(&dg, PX_FATAL) ? PX_EXIT_SYSTEM : PX_EXIT_BAD_INPUT;
        goto done;
    }
    nz = px_normalizer_new(&dg);
    if (!nz) {
        rc = PX_EXIT_SYSTEM;
        goto done;
    }
    int failures = px_rules_selftest(&rs, nz, &dg);
    size_t nex = count_examples(&rs);
    if (failures) {
        printf("%zu rules, %d of %zu examples failed\n", rs.n, failures, nex);
        rc = PX_EXIT_BAD_INPUT;
    } else {
        printf("%zu rules, %zu examples ok\n", rs.n, nex);
    }
done:
    px_normalizer_free(nz);
    px_ruleset_release(&rs);
    px_diag_release(&dg);
    return rc;
}

int
cmd_rules(int argc, char **argv)
{
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            continue; /* checking is what the command does; the flag reads well in scripts */
        if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strncmp(argv[i], "--rules=", 8) == 0)
            dir = argv[i] + 8;
        else
            return cli_usage_error("rules", "unknown argument '%s'", argv[i]);
    }
    return run_check(dir ? dir : px_rules_default_dir());
}

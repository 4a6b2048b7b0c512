/* planex merge — combine shard databases into one. */
#include "cli.h"

#include "merge.h"

#include <string.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"-q, --quiet", "no summary"},
    {NULL, NULL},
};

const struct cli_help cmd_merge_help = {
    "planex merge [-q] OUT.db IN.db...",
    "Combine databases ingested as shards (for example on several machines) into\n"
    "OUT.db (created if missing), as if every file had been ingested into it:\n"
    "content already present is a duplicate and skipped; a document with the same\n"
    "key and format but other content replaces the older one (inputs in the order\n"
    "given, the last wins). Each input is merged in one transaction.\n",
    options,
    "0 done, 2 usage error, 3 system failure (a bad input database)",
};

int
cmd_merge(int argc, char **argv)
{
    int first = 1, quiet = 0;
    if (first < argc && (!strcmp(argv[first], "-q") || !strcmp(argv[first], "--quiet"))) {
        quiet = 1;
        first++;
    }
    if (first < argc && argv[first][0] == '-' && argv[first][1])
        return cli_usage_error("merge", "unknown option '%s'", argv[first]);
    if (argc - first < 2)
        return cli_usage_error("merge", "need OUT.db and at least one IN.db");
    struct cli_store cs;
    struct px_merge_stats stats = {0};
    int rc = cli_open_store(&cs, argv[first]) == PX_EXIT_OK ? 0 : -1;
    for (int i = first + 1; rc == 0 && i < argc; i++)
        rc = px_merge_db(cs.st, argv[i], &stats, &cs.dg);
    if (rc == 0 && !quiet)
        fprintf(stderr, "merged %zu new, %zu replaced, %zu duplicates\n", stats.added,
                stats.replaced, stats.duplicates);
    return cli_close_store(&cs, rc == 0 ? PX_EXIT_OK : PX_EXIT_SYSTEM);
}

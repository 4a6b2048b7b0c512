/* planex baseline — list the stored baselines, show one's national targets and tasks. */
#include "cli.h"

#include "diff.h"

#include <string.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database"},
    {NULL, NULL},
};

const struct cli_help cmd_baseline_help = {
    "planex baseline list --db FILE\n"
    "       planex baseline show --db FILE NUMBER",
    "A baseline is a document ingested with --as-baseline (for instance the\n"
    "reconstruction under corpora/baseline/, or the official text once it is\n"
    "published: the newest ingest for a number wins). list prints one line per\n"
    "stored baseline; show prints its national targets (with their ids) and tasks.\n",
    options,
    "0 ok, 1 no such baseline, 2 usage error, 3 system failure",
};

static int
list(struct px_store *st, struct px_arena *a, struct px_diag *dg)
{
    struct px_store_doc *d;
    size_t n;
    if (px_baseline_list(st, a, &d, &n, dg) != 0)
        return PX_EXIT_SYSTEM;
    if (n == 0)
        printf("no baseline stored (ingest one with --as-baseline)\n");
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\t%zu targets\t%zu tasks\tingested %s\n",
               d[i].baseline_for ? d[i].baseline_for : d[i].number, d[i].key, d[i].path,
               d[i].ntargets, d[i].ntasks, d[i].ingested_at);
    return PX_EXIT_OK;
}

static int
show(struct px_store *st, const char *number, struct px_arena *a, struct px_diag *dg)
{
    struct px_baseline bl;
    int r = px_baseline_load(st, number, a, &bl, dg);
    if (r < 0)
        return PX_EXIT_SYSTEM;
    if (r == 0) {
        fprintf(stderr, "planex: baseline: no baseline '%s' stored\n", number);
        return PX_EXIT_BAD_INPUT;
    }
    printf("baseline %s: %s (%s)\n\nnational targets\n", bl.number, bl.key, bl.path);
    for (size_t i = 0; i < bl.ntargets; i++) {
        const struct px_target *t = bl.targets[i].t;
        char fig[48];
        printf("  %-4s %-34s %-5s %-6s %-5s line %u: %s\n", bl.targets[i].id, t->metric,
               t->cmp ? t->cmp : "", px_diff_figure(t, fig), t->unit ? t->unit : "",
               (unsigned)t->prov.span.line, t->raw ? t->raw : "");
    }
    printf("\nnational tasks\n");
    for (size_t i = 0; i < bl.ex.ntasks; i++) {
        const struct px_task *t = &bl.ex.tasks[i];
        printf("  %-4s %s | %s | %s\n", t->ordinal ? t->ordinal : t->id, t->text ? t->text : "",
               t->leads.n ? t->leads.v[0] : "", t->deadline.raw ? t->deadline.raw : "");
    }
    return PX_EXIT_OK;
}

int
cmd_baseline(int argc, char **argv)
{
    const char *db = NULL, *sub = argc > 1 ? argv[1] : NULL, *number = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strncmp(argv[i], "--db=", 5))
            db = argv[i] + 5;
        else if (argv[i][0] != '-' && !number)
            number = argv[i];
        else
            return cli_usage_error("baseline", "bad option or argument '%s'", argv[i]);
    }
    int is_list = sub && !strcmp(sub, "list"), is_show = sub && !strcmp(sub, "show");
    if (!is_list && !is_show)
        return cli_usage_error("baseline", "expected 'list' or 'show'");
    if (!db)
        return cli_usage_error("baseline", "missing '--db FILE'");
    if (is_show != (number != NULL))
        return cli_usage_error("baseline", is_show ? "missing NUMBER" : "unexpected NUMBER");
    struct cli_store cs;
    int rc = cli_open_store(&cs, db);
    if (rc == PX_EXIT_OK)
        rc = is_list ? list(cs.st, &cs.a, &cs.dg) : show(cs.st, number, &cs.a, &cs.dg);
    return cli_close_store(&cs, rc);
}

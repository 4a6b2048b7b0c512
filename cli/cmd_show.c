/* planex show — a readable summary of stored plans. */
#include "cli.h"

#include "store.h"

#include <string.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database"},
    {"--summary", "the one-line-per-document list"},
    {NULL, NULL},
};

const struct cli_help cmd_show_help = {
    "planex show --db FILE [--summary] [DOC]",
    "With DOC (a doc key, or key.format): the plan's facts, its tasks as a table\n"
    "(ordinal, leads, deadline, text) and its targets. Without DOC, or with\n"
    "--summary: one line per stored document.\n",
    options,
    "0 ok, 1 no such document, 2 usage error, 3 system failure",
};

/* Text cut to at most max bytes on a UTF-8 boundary (for table columns). */
static int
cut(const char *s, int max)
{
    int n = (int)strlen(s);
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Print s in a column of width characters (code points, not bytes), cut or padded. */
static void
put_col(const char *s, int width)
{
    int chars = 0;
    const char *p = s;
    for (; *p; p++) {
        if (((unsigned char)*p & 0xC0) == 0x80)
            continue;
        if (chars == width)
            break;
        chars++;
    }
    printf("%.*s%*s ", (int)(p - s), s, width - chars, "");
}

static const char *
or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void
print_list(const char *title, const struct px_store_doc *d, size_t n)
{
    printf("%-48s %-8s %-10s %-18s %-12s %6s %7s\n", title, "format", "kind", "number", "province",
           "tasks", "targets");
    for (size_t i = 0; i < n; i++)
        printf("%-48s %-8s %-10s %-18s %-12s %6zu %7zu%s\n", d[i].key, d[i].format,
               or_dash(d[i].kind), or_dash(d[i].number), or_dash(d[i].province), d[i].ntasks,
               d[i].ntargets, d[i].is_baseline ? "  (baseline)" : "");
}

static void
print_facts(const struct px_store_doc *d, const struct px_docinfo *in)
{
    printf("%s (%s)\n  path      %s\n  sha256    %s\n", d->key, d->format, d->path, d->sha256);
    printf("  kind      %s\n  number    %s\n  issuer    %s\n  province  %s\n  issued    %s\n",
           or_dash(in->kind), or_dash(in->number), or_dash(in->issuer), or_dash(in->province),
           or_dash(in->issued));
    printf("  implements");
    for (size_t i = 0; i < in->implements.n; i++)
        printf("%s %s", i ? "," : "", in->implements.v[i]);
    printf("\n");
}

static void
join(struct px_buf *b, const struct px_strlist *l)
{
    px_buf_clear(b);
    for (size_t i = 0; l->present && i < l->n; i++)
        px_buf_printf(b, "%s%s", i ? "; " : "", l->v[i]);
}

static void
print_tasks(const struct px_extraction *ex)
{
    printf("\ntasks (%zu)\n  %-5s %-8s %-40s %-24s %s\n", ex->ntasks, "id", "ordinal", "leads",
           "deadline", "text");
    struct px_buf leads = PX_BUF_INIT;
    for (size_t i = 0; i < ex->ntasks; i++) {
        const struct px_task *t = &ex->tasks[i];
        join(&leads, &t->leads);
        const char *dl = t->deadline.present ? or_dash(t->deadline.raw) : "-";
        const char *text = or_dash(t->text);
        printf("  ");
        put_col(or_dash(t->id), 5);
        put_col(or_dash(t->ordinal), 8);
        put_col(or_dash(leads.ptr), 40);
        put_col(dl, 24);
        printf("%.*s\n", cut(text, 80), text);
    }
    px_buf_release(&leads);
}

static void
print_targets(const struct px_extraction *ex)
{
    printf("\ntargets (%zu)\n", ex->ntargets);
    for (size_t i = 0; i < ex->ntargets; i++) {
        const struct px_target *t = &ex->targets[i];
        printf("  %-40s %-5s %g", or_dash(t->metric), or_dash(t->cmp), t->value);
        if (t->has_value2)
            printf("..%g", t->value2);
        printf(" %-5s task %-5s %s\n", or_dash(t->unit), or_dash(t->task), or_dash(t->raw));
    }
}

static int
show_docs(struct px_store *st, const char *key, int summary, struct px_diag *dg)
{
    struct px_arena a = PX_ARENA_INIT;
    struct px_store_doc *docs;
    size_t n;
    int rc = PX_EXIT_OK;
    if (px_store_docs(st, key, &a, &docs, &n, dg) < 0)
        rc = PX_EXIT_SYSTEM;
    else if (key && n == 0) {
        fprintf(stderr, "planex: show: no document '%s'\n", key);
        rc = PX_EXIT_BAD_INPUT;
    } else if (summary || !key) {
        print_list("doc", docs, n);
    }
    for (size_t i = 0; rc == PX_EXIT_OK && !summary && key && i < n; i++) {
        struct px_extraction ex;
        if (px_store_load(st, docs[i].id, &a, &ex, dg) < 0) {
            rc = PX_EXIT_SYSTEM;
            break;
        }
        print_facts(&docs[i], &ex.info);
        print_tasks(&ex);
        print_targets(&ex);
    }
    px_arena_release(&a);
    return rc;
}

int
cmd_show(int argc, char **argv)
{
    static const struct option longs[] = {{"summary", no_argument, NULL, 's'}, {NULL, 0, NULL, 0}};
    struct cli_opts co = {.common = CLI_OPT_DB, .own = longs};
    int summary = 0, c;
    while ((c = cli_getopt(&co, argc, argv)) != -1) {
        if (c != 's')
            return cli_usage_error("show", "bad option '%s'", argv[optind - 1]);
        summary = 1;
    }
    if (!co.db)
        return cli_usage_error("show", "missing '--db FILE'");
    if (argc - optind > 1)
        return cli_usage_error("show", "more than one document");
    struct cli_store cs;
    int rc = cli_open_store(&cs, co.db);
    if (rc == PX_EXIT_OK)
        rc = show_docs(cs.st, optind < argc ? argv[optind] : NULL, summary, &cs.dg);
    return cli_close_store(&cs, rc);
}

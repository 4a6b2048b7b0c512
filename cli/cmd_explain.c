/* planex explain — which rule and which source line gave each value. */
#include "cli.h"

#include "sha256.h"
#include "store.h"

#include <string.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database"},
    {NULL, NULL},
};

const struct cli_help cmd_explain_help = {
    "planex explain --db FILE DOC [FIELD|TASK_ID]",
    "For each extracted value of DOC (a doc key, or key.format): the rule that\n"
    "produced it and its source span (line, byte, length), with the source line\n"
    "when the file is still readable at its path. FIELD is a document fact (kind,\n"
    "number, issuer, province, issued, implements), 'tasks' or 'targets'; TASK_ID\n"
    "a task id (its targets are shown with it).\n",
    options,
    "0 ok, 1 no such document or field, 2 usage error, 3 system failure",
};

static const char *const fact_names[PX_FACT_COUNT] = {
    [PX_FACT_KIND] = "kind",     [PX_FACT_NUMBER] = "number",
    [PX_FACT_ISSUER] = "issuer", [PX_FACT_PROVINCE] = "province",
    [PX_FACT_ISSUED] = "issued", [PX_FACT_IMPLEMENTS] = "implements",
};

/* The source, when its file is still there and unchanged (same sha256). */
struct source {
    struct px_buf text;
    int ok;
};

static void
source_load(struct source *s, const struct px_store_doc *d)
{
    s->text = (struct px_buf)PX_BUF_INIT;
    s->ok = 0;
    char sha[65];
    if (strcmp(d->format, "docx") == 0 || px_read_file(d->path, &s->text) < 0)
        return; /* docx spans point into the extracted text, not the file's bytes */
    px_sha256_hex(s->text.ptr, s->text.len, sha);
    s->ok = strcmp(sha, d->sha256) == 0;
}

static void
print_source_line(const struct source *s, const struct px_span *sp)
{
    if (!s->ok || sp->line == 0)
        return;
    const char *p = s->text.ptr, *end = p + s->text.len;
    for (uint32_t line = 1; line < sp->line && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    int n = (int)((nl ? nl : end) - p);
    if (n > 0 && p[n - 1] == '\r')
        n--;
    if (n > 0)
        printf("      | %.*s\n", n, p);
}

static void
print_prov(const struct source *s, const struct px_prov *pv)
{
    printf("    rule %s  line %u  byte %llu  len %llu\n", pv->rule ? pv->rule : "-", pv->span.line,
           (unsigned long long)pv->span.byte, (unsigned long long)pv->span.len);
    print_source_line(s, &pv->span);
}

static const char *
fact_value(const struct px_docinfo *in, int f, struct px_buf *b)
{
    switch (f) {
    case PX_FACT_KIND:
        return in->kind;
    case PX_FACT_NUMBER:
        return in->number;
    case PX_FACT_ISSUER:
        return in->issuer;
    case PX_FACT_PROVINCE:
        return in->province;
    case PX_FACT_ISSUED:
        return in->issued[0] ? in->issued : NULL;
    default:
        for (size_t i = 0; i < in->implements.n; i++)
            px_buf_printf(b, "%s%s", i ? ", " : "", in->implements.v[i]);
        return b->ptr;
    }
}

static int
explain_facts(const struct source *s, const struct px_docinfo *in, const char *field)
{
    int shown = 0;
    for (int f = 0; f < PX_FACT_COUNT; f++) {
        if (field && strcmp(field, fact_names[f]))
            continue;
        struct px_buf b = PX_BUF_INIT;
        const char *v = fact_value(in, f, &b);
        printf("%s: %s\n", fact_names[f], v ? v : "null");
        print_prov(s, &in->prov[f]);
        px_buf_release(&b);
        shown++;
    }
    return shown;
}

static void
explain_task(const struct source *s, const struct px_task *t)
{
    printf("task %s (%s %s): %.100s\n", t->id ? t->id : "-", t->origin ? t->origin : "-",
           t->ordinal ? t->ordinal : "-", t->text ? t->text : "");
    print_prov(s, &t->prov);
    if (t->deadline.present)
        printf("    deadline '%s' %s by rule %s\n", t->deadline.raw ? t->deadline.raw : "",
               px_deadline_kind_name(t->deadline.kind), t->deadline.rule ? t->deadline.rule : "-");
}

static void
explain_target(const struct source *s, const struct px_target *t)
{
    printf("target %s %s %g %s (task %s): %s\n", t->metric ? t->metric : "-", t->cmp ? t->cmp : "-",
           t->value, t->unit ? t->unit : "", t->task ? t->task : "-", t->raw ? t->raw : "");
    print_prov(s, &t->prov);
}

static int
explain_doc(const struct px_store_doc *d, const struct px_extraction *ex, const char *what)
{
    struct source s;
    source_load(&s, d);
    int shown = explain_facts(&s, &ex->info, what);
    int all = !what, tasks = all || !strcmp(what, "tasks"),
        targets = all || !strcmp(what, "targets");
    for (size_t i = 0; i < ex->ntasks; i++)
        if (tasks || (ex->tasks[i].id && !strcmp(what, ex->tasks[i].id)))
            explain_task(&s, &ex->tasks[i]), shown++;
    for (size_t i = 0; i < ex->ntargets; i++)
        if (targets || (ex->targets[i].task && !strcmp(what, ex->targets[i].task)))
            explain_target(&s, &ex->targets[i]), shown++;
    px_buf_release(&s.text);
    return shown;
}

static int
explain(struct px_store *st, const char *key, const char *what, struct px_diag *dg)
{
    struct px_arena a = PX_ARENA_INIT;
    struct px_store_doc *docs;
    size_t n;
    int rc = PX_EXIT_OK, shown = 0;
    if (px_store_docs(st, key, &a, &docs, &n, dg) < 0)
        rc = PX_EXIT_SYSTEM;
    for (size_t i = 0; rc == PX_EXIT_OK && i < n; i++) {
        struct px_extraction ex;
        if (px_store_load(st, docs[i].id, &a, &ex, dg) < 0)
            rc = PX_EXIT_SYSTEM;
        else
            shown += explain_doc(&docs[i], &ex, what);
    }
    if (rc == PX_EXIT_OK && !shown) {
        fprintf(stderr, "planex: explain: nothing found for '%s'%s%s\n", key, what ? " " : "",
                what ? what : "");
        rc = PX_EXIT_BAD_INPUT;
    }
    px_arena_release(&a);
    return rc;
}

int
cmd_explain(int argc, char **argv)
{
    struct cli_opts co = {.common = CLI_OPT_DB};
    if (cli_getopt(&co, argc, argv) != -1)
        return cli_usage_error("explain", "bad option '%s'", argv[optind - 1]);
    if (!co.db || optind >= argc || argc - optind > 2)
        return cli_usage_error("explain", "expected '--db FILE DOC [FIELD|TASK_ID]'");
    struct cli_store cs;
    int rc = cli_open_store(&cs, co.db);
    if (rc == PX_EXIT_OK)
        rc = explain(cs.st, argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL, &cs.dg);
    return cli_close_store(&cs, rc);
}

/* planex diff — compare plans with the national baseline they implement. */
#include "cli.h"

#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const struct cli_help_opt options[] = {
    {"--db FILE", "the database"},
    {"--baseline NUMBER", "the baseline's document number, e.g. 534/QĐ-TTg"},
    {"--format F", "table (default), jsonl, csv or md"},
    {"--summary", "one line per plan: what is missing or weaker"},
    {"--province NAME", "the plans of one province"},
    {"--all", "every plan implementing the baseline"},
    {"--rules DIR", "where diff-stopwords.txt and diff-levels.tsv are"},
    {NULL, NULL},
};

const struct cli_help cmd_diff_help = {
    "planex diff --db FILE [--baseline NUMBER] [--format table|jsonl|csv|md]\n"
    "                   [--summary] [--rules DIR] [DOC... | --province NAME | --all]",
    "Compare each plan with the baseline it implements (a document ingested with\n"
    "--as-baseline): per national target equal, stronger, weaker or missing, with\n"
    "the plan's figure, words and line; the plan's other targets as local; per\n"
    "national task the matching plan tasks, and where lead or deadline differ.\n"
    "Without --baseline, each plan is compared with every stored baseline it\n"
    "implements.\n",
    options,
    "0 ok, 1 a plan or baseline was not found or does not implement\n"
    "the baseline, 2 usage error, 3 system failure",
};

/* The values of --format, in the order of enum px_diff_format. */
static const char *const formats[] = {"table", "jsonl", "csv", "md", NULL};

struct opts {
    const char *db, *baseline, *province, *rules;
    int all, summary;
    enum px_diff_format fmt;
    char **docs;
    int ndocs;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"baseline", required_argument, NULL, 'b'},
        {"province", required_argument, NULL, 'p'},
        {"all", no_argument, NULL, 'a'},
        {"summary", no_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    struct cli_opts co = {
        .common = CLI_OPT_DB | CLI_OPT_RULES | CLI_OPT_FORMAT, .formats = formats, .own = longs};
    int c;
    while ((c = cli_getopt(&co, argc, argv)) != -1) {
        if (c == 'b')
            o->baseline = optarg;
        else if (c == 'p')
            o->province = optarg;
        else if (c == 'a')
            o->all = 1;
        else if (c == 's')
            o->summary = 1;
        else
            return cli_usage_error("diff", "bad option or argument '%s'", argv[optind - 1]);
    }
    o->db = co.db;
    o->rules = co.rules;
    o->fmt = (enum px_diff_format)co.format;
    if (!o->db)
        return cli_usage_error("diff", "missing '--db FILE'");
    o->docs = argv + optind;
    o->ndocs = argc - optind;
    if ((o->ndocs > 0) + (o->province != NULL) + o->all != 1)
        return cli_usage_error("diff", "give documents, '--province NAME' or '--all'");
    return 0;
}

struct run {
    struct opts *o;
    struct cli_store cs;
    struct px_store *st; /* cs.st */
    struct px_arena *a;  /* &cs.a */
    struct px_diag *dg;  /* &cs.dg */
    struct px_diff_ctx *cx;
    char *used; /* per named document: compared with some baseline */
    int refused;
};
/* The named document (its preferred stored format), or 0 when not stored. */
static int
find_doc(struct run *r, const char *key, struct px_store_doc *out)
{
    struct px_store_doc *d;
    size_t n;
    if (px_store_docs(r->st, key, r->a, &d, &n, r->dg) != 0)
        return -1;
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (!d[i].is_baseline &&
            (!found || px_diff_format_rank(d[i].format) < px_diff_format_rank(out->format))) {
            *out = d[i];
            found = 1;
        }
    return found;
}

/* The named documents to compare with bl; those not implementing it only if it was asked for. */
static int
named_docs(struct run *r, const struct px_baseline *bl, struct px_store_doc **docs, size_t *n)
{
    *docs = px_arena_calloc(r->a, (size_t)r->o->ndocs + 1, sizeof **docs);
    *n = 0;
    for (int i = 0; i < r->o->ndocs; i++) {
        struct px_store_doc d;
        int f = find_doc(r, r->o->docs[i], &d);
        if (f < 0)
            return -1;
        if (f == 0)
            continue;
        int imp = px_doc_implements(r->st, d.id, bl->number, r->dg);
        if (imp < 0)
            return -1;
        if (imp || r->o->baseline) {
            r->used[i] = 1;
            (*docs)[(*n)++] = d;
        }
    }
    return 0;
}

static int
diff_against(struct run *r, const char *number)
{
    struct px_baseline bl;
    int found = px_baseline_load(r->st, number, r->a, &bl, r->dg);
    if (found <= 0) {
        if (found == 0)
            fprintf(stderr,
                    "planex: diff: no baseline '%s' stored (ingest it with --as-baseline)\n",
                    number);
        return found < 0 ? -1 : (r->refused = 1, 0);
    }
    struct px_store_doc *docs;
    size_t n;
    int rc = r->o->ndocs ? named_docs(r, &bl, &docs, &n)
                         : px_diff_select(r->st, &bl, r->o->province, r->a, &docs, &n, r->dg);
    if (rc != 0)
        return -1;
    struct px_plan_diff *pd = px_arena_calloc(r->a, n + 1, sizeof *pd);
    for (size_t i = 0; i < n; i++) {
        if (px_diff_plan(r->cx, r->st, &bl, &docs[i], r->a, &pd[i], r->dg) != 0)
            return -1;
        if (!pd[i].implements) {
            fprintf(stderr, "planex: diff: '%s' does not implement %s\n", pd[i].doc, bl.number);
            r->refused = 1;
        }
    }
    if (n == 0 && !r->o->ndocs)
        fprintf(stderr, "planex: diff: no stored plan implements %s\n", bl.number);
    return r->o->summary ? px_diff_write_summary(stdout, &bl, pd, n, r->dg)
                         : px_diff_write(stdout, r->o->fmt, &bl, pd, n, r->dg);
}

static int
diff_all_baselines(struct run *r)
{
    struct px_store_doc *b;
    size_t n;
    if (px_baseline_list(r->st, r->a, &b, &n, r->dg) != 0)
        return -1;
    if (n == 0) {
        fprintf(stderr, "planex: diff: no baseline stored (ingest one with --as-baseline)\n");
        r->refused = 1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *num = b[i].baseline_for ? b[i].baseline_for : b[i].number;
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            dup |= !strcmp(num, b[j].baseline_for ? b[j].baseline_for : b[j].number);
        if (!dup && diff_against(r, num) != 0)
            return -1;
    }
    return 0;
}

int
cmd_diff(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    struct run r = {.o = &o, .a = &r.cs.a, .dg = &r.cs.dg};
    r.used = calloc((size_t)o.ndocs + 1, 1);
    r.cx = cli_open_store(&r.cs, o.db) == PX_EXIT_OK ? px_diff_ctx_new(o.rules, r.dg) : NULL;
    r.st = r.cs.st;
    rc = PX_EXIT_SYSTEM;
    if (r.cx && (o.baseline ? diff_against(&r, o.baseline) : diff_all_baselines(&r)) == 0 &&
        fflush(stdout) == 0) {
        for (int i = 0; i < o.ndocs; i++)
            if (!r.used[i] && !o.baseline) {
                fprintf(stderr, "planex: diff: '%s' is not stored or implements no baseline\n",
                        o.docs[i]);
                r.refused = 1;
            } else if (!r.used[i]) {
                fprintf(stderr, "planex: diff: '%s' is not stored\n", o.docs[i]);
                r.refused = 1;
            }
        rc = r.refused ? PX_EXIT_BAD_INPUT : PX_EXIT_OK;
    }
    px_diff_ctx_free(r.cx);
    free(r.used);
    return cli_close_store(&r.cs, rc);
}

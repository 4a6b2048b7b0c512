/* common — what the commands share: help, usage errors, options, database, rules (see cli.h). */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include "rules.h"

#include <assert.h>
#include <stdarg.h>
#include <string.h>

#include "banned.h"

/* The option column of a help is at least this wide, so short lists line up alike. */
#define HELP_NAME_WIDTH 16

/* getopt_long's values for the common options: past any character, so no command's clashes. */
enum {
    KEY_DB = 0x100,
    KEY_RULES,
    KEY_FORMAT,
    KEY_QUIET = 'q', /* -q and --quiet alike */
};

static const struct {
    enum cli_common_opts opt;
    struct option longopt;
} common_longs[] = {
    {CLI_OPT_DB, {"db", required_argument, NULL, KEY_DB}},
    {CLI_OPT_RULES, {"rules", required_argument, NULL, KEY_RULES}},
    {CLI_OPT_FORMAT, {"format", required_argument, NULL, KEY_FORMAT}},
    {CLI_OPT_QUIET, {"quiet", no_argument, NULL, KEY_QUIET}},
};

/* ---- help and usage errors ---- */

static void
print_opt(FILE *f, int width, const char *name, const char *text)
{
    fprintf(f, "  %-*s ", width, name);
    for (const char *p = text;;) {
        size_t n = strcspn(p, "\n");
        fprintf(f, "%.*s\n", (int)n, p);
        if (!p[n])
            break;
        p += n + 1;
        fprintf(f, "%*s", width + 3, "");
    }
}

int
cli_print_help(FILE *f, const struct cli_help *h)
{
    static const struct cli_help_opt help_opt = {"-h, --help", "this help"};
    int width = HELP_NAME_WIDTH;
    for (const struct cli_help_opt *o = h->opts; o && o->name; o++)
        if ((int)strlen(o->name) + 1 > width)
            width = (int)strlen(o->name) + 1;
    fprintf(f, "usage: %s\n\n%s\noptions:\n", h->usage, h->about);
    for (const struct cli_help_opt *o = h->opts; o && o->name; o++)
        print_opt(f, width, o->name, o->text);
    print_opt(f, width, help_opt.name, help_opt.text);
    fprintf(f, "\nexit codes: %s\n", h->exit_codes);
    return PX_EXIT_OK;
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

/* ---- options ---- */

static void
build_tables(struct cli_opts *co)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof common_longs / sizeof common_longs[0]; i++)
        if (co->common & common_longs[i].opt)
            co->longs[n++] = common_longs[i].longopt;
    for (const struct option *o = co->own; o && o->name; o++) {
        assert(n + 1 < CLI_MAX_LONGS);
        co->longs[n++] = *o;
    }
    co->longs[n] = (struct option){NULL, 0, NULL, 0};
    const char *own = co->own_short ? co->own_short : "";
    assert(strlen(own) + 3 < sizeof co->shorts);
    snprintf(co->shorts, sizeof co->shorts, "+%s%s", co->common & CLI_OPT_QUIET ? "q" : "", own);
    opterr = 0;
    optind = 1;
}

static int
find_format(const char *const *formats, const char *v)
{
    for (int i = 0; formats && formats[i]; i++)
        if (!strcmp(formats[i], v))
            return i;
    return -1;
}

int
cli_getopt(struct cli_opts *co, int argc, char **argv)
{
    if (!co->shorts[0])
        build_tables(co);
    for (;;) {
        int c = getopt_long(argc, argv, co->shorts, co->longs, NULL);
        switch (c) {
        case KEY_DB:
            co->db = optarg;
            break;
        case KEY_RULES:
            co->rules = optarg;
            break;
        case KEY_FORMAT:
            co->format = find_format(co->formats, optarg);
            if (co->format < 0)
                return '?';
            break;
        case KEY_QUIET:
            if (!(co->common & CLI_OPT_QUIET))
                return c;
            co->quiet = 1;
            break;
        default:
            return c;
        }
    }
}

/* ---- the database and the rules ---- */

int
cli_open_store(struct cli_store *cs, const char *path)
{
    px_diag_init(&cs->dg);
    cs->dg.echo = stderr;
    px_arena_init(&cs->a);
    cs->st = path ? px_store_open(path, &cs->dg) : NULL;
    return !path || cs->st ? PX_EXIT_OK : PX_EXIT_SYSTEM;
}

int
cli_close_store(struct cli_store *cs, int rc)
{
    px_store_close(cs->st);
    cs->st = NULL;
    px_arena_release(&cs->a);
    px_diag_release(&cs->dg);
    return rc;
}

int
cli_load_extractor(struct cli_extractor *ce, const char *rules_dir, struct px_diag *dg)
{
    ce->ex = NULL;
    ce->nz = px_normalizer_new(dg);
    if (!ce->nz)
        return -1;
    ce->ex = px_extractor_new(rules_dir ? rules_dir : px_rules_default_dir(), ce->nz, dg);
    return ce->ex ? 0 : -1;
}

void
cli_free_extractor(struct cli_extractor *ce)
{
    px_extractor_free(ce->ex);
    px_normalizer_free(ce->nz);
    ce->ex = NULL;
    ce->nz = NULL;
}

double
cli_seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

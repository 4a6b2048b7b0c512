/*
 * planex parse — print one stage of each file as JSON Lines: the block
 * stream (--dump=blocks, the default), the normalised block stream
 * (--dump=norm) or the extracted records (--dump=records).
 */
#include "cli.h"

#include "../parsers/parse.h"
#include "../pipeline/dump.h"
#include "../pipeline/extract.h"
#include "../pipeline/normalize.h"
#include "../pipeline/records_json.h"
#include "../pipeline/rules.h"
#include "../pipeline/sha256.h"

#include <errno.h>
#include <string.h>

#include "banned.h"

enum dump_kind { DUMP_BLOCKS, DUMP_NORM, DUMP_RECORDS };

struct parse_opts {
    enum dump_kind dump;
    const char *rules_dir;
    int first_file; /* index in argv */
};

static const struct cli_help_opt options[] = {
    {"--dump=KIND", "what to print (default: blocks)"},
    {"--rules DIR", "rule files for --dump=records (default: $PLANEX_RULES or the\n"
                    "installed rules)"},
    {NULL, NULL},
};

const struct cli_help cmd_parse_help = {
    "planex parse [--dump=blocks|norm|records] [--rules DIR] FILE...",
    "Parse each FILE (text, HTML or DOCX, guessed from its bytes) and print one\n"
    "stage as JSON Lines on stdout:\n"
    "  blocks   the block stream: headings, paragraphs, list items, footnotes,\n"
    "           tables (rows x cells, header rows flagged), with source spans\n"
    "  norm     the same after normalisation (NFC, one tone placement, spaces)\n"
    "  records  the extracted document facts, tasks and targets\n",
    options,
    "0 ok, 1 some file refused (the others are still printed),\n"
    "2 usage error, 3 system failure",
};

static int
parse_dump_kind(const char *v, enum dump_kind *out)
{
    static const char *const names[] = {"blocks", "norm", "records"};
    for (int k = 0; k < 3; k++)
        if (!strcmp(v, names[k])) {
            *out = (enum dump_kind)k;
            return 0;
        }
    return -1;
}

static int
parse_args(int argc, char **argv, struct parse_opts *o)
{
    memset(o, 0, sizeof *o);
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strncmp(a, "--dump=", 7) || !strcmp(a, "--dump")) {
            const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v || parse_dump_kind(v, &o->dump) != 0)
                return cli_usage_error("parse", "unknown dump '%s'", v ? v : "");
        } else if (!strcmp(a, "--rules") || !strncmp(a, "--rules=", 8)) {
            o->rules_dir = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            if (!o->rules_dir)
                return cli_usage_error("parse", "option '--rules' needs a directory");
        } else {
            return cli_usage_error("parse", "unknown option '%s'", a);
        }
    }
    if (i >= argc)
        return cli_usage_error("parse", "no input file");
    o->first_file = i;
    return PX_EXIT_OK;
}

static int
print_records(struct cli_extractor *st, struct px_doc *doc, const struct px_buf *data,
              struct px_diag *dg)
{
    struct px_extraction ex;
    memset(&ex, 0, sizeof ex);
    if (px_extract(st->ex, doc, &ex, dg) != 0)
        return PX_EXIT_SYSTEM;
    char sha[PX_SHA256_HEX_LEN + 1];
    px_sha256_hex(data->ptr, data->len, sha);
    struct px_docmeta meta = {doc->name, doc->path, sha, px_format_name(doc->format)};
    return px_extraction_write_jsonl(stdout, &meta, &ex, 0) == 0 ? PX_EXIT_OK : PX_EXIT_SYSTEM;
}

/* One file: read, parse, maybe normalise and extract, print. */
static int
run_file(const char *path, const struct parse_opts *o, struct cli_extractor *st, struct px_diag *dg)
{
    struct px_buf data = PX_BUF_INIT;
    if (px_read_file(path, &data) != 0) {
        px_diag_report(dg, PX_ERROR, path, 0, 0, "cannot read '%s': %s", path, strerror(errno));
        return PX_EXIT_BAD_INPUT;
    }
    struct px_doc doc;
    px_doc_init(&doc, path, PX_FMT_UNKNOWN, (const unsigned char *)data.ptr, data.len);
    int rc = PX_EXIT_OK;
    if (px_parse(&doc, dg) != 0)
        rc = PX_EXIT_BAD_INPUT;
    else if (o->dump != DUMP_BLOCKS && px_normalize_doc(st->nz, &doc, dg) != 0)
        rc = PX_EXIT_SYSTEM;
    else if (o->dump == DUMP_RECORDS)
        rc = print_records(st, &doc, &data, dg);
    else if (px_dump_blocks(stdout, &doc) != 0)
        rc = PX_EXIT_SYSTEM;
    px_doc_release(&doc);
    px_buf_release(&data);
    return rc;
}

/* Blocks need no stage; norm the normaliser; records the extractor too. */
static int
open_stages(const struct parse_opts *o, struct cli_extractor *st, struct px_diag *dg)
{
    memset(st, 0, sizeof *st);
    if (o->dump == DUMP_BLOCKS)
        return 0;
    if (o->dump == DUMP_RECORDS)
        return cli_load_extractor(st, o->rules_dir, dg);
    st->nz = px_normalizer_new(dg);
    return st->nz ? 0 : -1;
}

int
cmd_parse(int argc, char **argv)
{
    struct parse_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != PX_EXIT_OK)
        return rc;
    struct px_diag dg;
    px_diag_init(&dg);
    dg.echo = stderr;
    dg.echo_min = PX_WARNING;
    struct cli_extractor st;
    if (open_stages(&o, &st, &dg) != 0) {
        cli_free_extractor(&st);
        px_diag_release(&dg);
        return PX_EXIT_SYSTEM;
    }
    for (int i = o.first_file; i < argc && rc != PX_EXIT_SYSTEM; i++) {
        int frc = run_file(argv[i], &o, &st, &dg);
        if (frc > rc)
            rc = frc;
    }
    if (fflush(stdout) != 0)
        rc = PX_EXIT_SYSTEM;
    cli_free_extractor(&st);
    px_diag_release(&dg);
    return rc;
}

/*
 * stages — time each stage of the ingest path separately.
 *
 * Bench tool linking planex_lib. Usage:
 *
 *     stages RULES_DIR DB PATH...
 *
 * Does what `planex ingest` does, file by file, with a clock around each
 * stage: read (file to memory, sha256), parse (DOCX: unzip included, it is
 * streamed inside the parser), normalise, extract, store (one transaction
 * per plan). Prints one JSON object with seconds per stage, input bytes and
 * text bytes per format (the text the parsers produced), and peak RSS.
 */
#define _POSIX_C_SOURCE 200809L

#include "ingest.h"
#include "normalize.h"
#include "parse.h"
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

enum stage { ST_READ, ST_PARSE, ST_NORM, ST_EXTRACT, ST_STORE, ST_COUNT };
static const char *const stage_names[ST_COUNT] = {"read", "parse", "normalise", "extract", "store"};

struct stats {
    double secs[ST_COUNT];
    size_t files[4], bytes[4], text[4]; /* by enum px_format */
    size_t refused;
};

static double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Text the parser produced: what HTML and DOCX are compared on per byte. */
static size_t
text_bytes(const struct px_doc *doc)
{
    size_t n = 0;
    for (size_t i = 0; i < doc->nblocks; i++) {
        const struct px_block *b = &doc->blocks[i];
        n += strlen(b->text);
        for (size_t r = 0; b->table && r < b->table->nrows; r++)
            for (size_t c = 0; c < b->table->rows[r].ncells; c++)
                n += strlen(b->table->rows[r].cells[c].text);
    }
    return n;
}

struct ctx {
    struct px_store *st;
    struct px_normalizer *nz;
    struct px_extractor *ex;
    struct px_diag dg;
    struct stats s;
};

/* Parse onwards; the document is released by the caller. */
static int
process(struct ctx *c, struct px_doc *doc, const char *sha)
{
    double t = now();
    if (px_parse(doc, &c->dg) < 0) {
        c->s.refused++;
        return 0;
    }
    double t1 = now();
    c->s.secs[ST_PARSE] += t1 - t;
    c->s.files[doc->format]++;
    c->s.bytes[doc->format] += doc->src_len;
    c->s.text[doc->format] += text_bytes(doc);
    t = now(); /* text_bytes is not a stage */
    struct px_extraction ex;
    if (px_normalize_doc(c->nz, doc, &c->dg) < 0)
        return -1;
    t1 = now();
    c->s.secs[ST_NORM] += t1 - t;
    if (px_extract(c->ex, doc, &ex, &c->dg) < 0)
        return -1;
    t = now();
    c->s.secs[ST_EXTRACT] += t - t1;
    enum px_store_result res;
    int rc = px_store_put(c->st, doc, sha, &ex, &res, &c->dg);
    c->s.secs[ST_STORE] += now() - t;
    return rc;
}

static int
one_file(struct ctx *c, const char *path)
{
    double t = now();
    struct px_buf b = PX_BUF_INIT;
    if (px_read_file(path, &b) < 0) {
        c->s.refused++;
        return 0;
    }
    char sha[65];
    px_sha256_hex(b.ptr, b.len, sha);
    c->s.secs[ST_READ] += now() - t;
    struct px_doc doc;
    px_doc_init(&doc, path, PX_FMT_UNKNOWN, (const unsigned char *)b.ptr, b.len);
    int rc = process(c, &doc, sha);
    px_doc_release(&doc);
    px_buf_release(&b);
    px_diag_clear(&c->dg);
    return rc;
}

static void
print_json(const struct stats *s, double wall)
{
    static const char *const fmt[4] = {"unknown", "text", "html", "docx"};
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"wall\": %.4f, \"peak_rss_kb\": %ld, \"refused\": %zu", wall, ru.ru_maxrss,
           s->refused);
    for (int i = 0; i < ST_COUNT; i++)
        printf(", \"%s\": %.4f", stage_names[i], s->secs[i]);
    for (int f = PX_FMT_TEXT; f <= PX_FMT_DOCX; f++)
        printf(", \"%s_files\": %zu, \"%s_bytes\": %zu, \"%s_text_bytes\": %zu", fmt[f],
               s->files[f], fmt[f], s->bytes[f], fmt[f], s->text[f]);
    printf("}\n");
}

int
main(int argc, char **argv)
{
    if (argc < 4) {
        fputs("usage: stages RULES_DIR DB PATH...\n", stderr);
        return 2;
    }
    struct ctx c = {0};
    px_diag_init(&c.dg);
    double t0 = now();
    char **files;
    size_t n;
    px_ingest_list(argv + 3, (size_t)(argc - 3), &files, &n, &c.dg);
    c.st = px_store_open(argv[2], &c.dg);
    c.nz = c.st ? px_normalizer_new(&c.dg) : NULL;
    c.ex = c.nz ? px_extractor_new(argv[1], c.nz, &c.dg) : NULL;
    int rc = c.ex ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = one_file(&c, files[i]);
    if (rc == 0)
        print_json(&c.s, now() - t0);
    else
        px_diag_print(stderr, &c.dg, PX_WARNING);
    px_extractor_free(c.ex);
    px_normalizer_free(c.nz);
    px_store_close(c.st);
    px_ingest_list_free(files, n);
    px_diag_release(&c.dg);
    return rc == 0 ? 0 : 1;
}

/* ingest — one input file to one stored document (see ingest.h). */
#define _POSIX_C_SOURCE 200809L

#include "ingest.h"

#include "normalize.h"
#include "parse.h"
#include "rules.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Enough bytes to tell a zip or an HTML page from anything else. */
#define SNIFF_BYTES 512

struct px_ingest {
    struct px_store *st;
    struct px_normalizer *nz;
    struct px_extractor *ex;
    int as_baseline;
};

struct px_ingest *
px_ingest_new(struct px_store *st, const char *rules_dir, int as_baseline, struct px_diag *dg)
{
    struct px_ingest *ig = px_xcalloc(1, sizeof *ig);
    ig->st = st;
    ig->as_baseline = as_baseline;
    ig->nz = px_normalizer_new(dg);
    if (ig->nz)
        ig->ex = px_extractor_new(rules_dir ? rules_dir : px_rules_default_dir(), ig->nz, dg);
    if (!ig->ex) {
        px_ingest_free(ig);
        return NULL;
    }
    return ig;
}

void
px_ingest_free(struct px_ingest *ig)
{
    if (!ig)
        return;
    px_extractor_free(ig->ex);
    px_normalizer_free(ig->nz);
    free(ig);
}

/* A parser that fails must have said why; make sure the file gets one error line. */
static void
ensure_error(struct px_diag *dg, size_t errors_before, const char *path, const char *what)
{
    if (px_diag_count(dg, PX_ERROR) == errors_before)
        px_diag_report(dg, PX_ERROR, path, 0, 0, "cannot %s the file", what);
}

static int
store_doc(struct px_ingest *ig, struct px_doc *doc, const char *sha, enum px_ingest_result *res,
          struct px_diag *dg)
{
    struct px_extraction ex;
    if (px_normalize_doc(ig->nz, doc, dg) < 0 || px_extract(ig->ex, doc, &ex, dg) < 0)
        return -1;
    enum px_store_result sr;
    if (px_store_put(ig->st, doc, sha, &ex, &sr, dg) < 0)
        return -1;
    *res = sr == PX_STORE_NEW        ? PX_INGEST_NEW
           : sr == PX_STORE_REPLACED ? PX_INGEST_REPLACED
                                     : PX_INGEST_SAME;
    return 0;
}

int
px_ingest_bytes(struct px_ingest *ig, const char *path, const unsigned char *data, size_t len,
                enum px_ingest_result *res, struct px_diag *dg)
{
    char sha[65];
    px_sha256_hex(data, len, sha);
    int has = px_store_has_sha(ig->st, sha, dg);
    if (has < 0)
        return -1;
    int ret = 0;
    if (has) {
        *res = PX_INGEST_SAME; /* the fast path: no parse */
    } else {
        struct px_doc doc;
        px_doc_init(&doc, path, PX_FMT_UNKNOWN, data, len);
        size_t errors = px_diag_count(dg, PX_ERROR);
        if (px_parse(&doc, dg) < 0) {
            ensure_error(dg, errors, path, "parse");
            *res = PX_INGEST_REFUSED;
        } else {
            ret = store_doc(ig, &doc, sha, res, dg);
        }
        px_doc_release(&doc);
    }
    if (ret == 0 && ig->as_baseline && *res != PX_INGEST_REFUSED)
        ret = px_store_mark_baseline(ig->st, sha, dg);
    return ret;
}

int
px_ingest_file(struct px_ingest *ig, const char *path, enum px_ingest_result *res, size_t *bytes,
               struct px_diag *dg)
{
    struct px_buf b = PX_BUF_INIT;
    *bytes = 0;
    if (px_read_file(path, &b) < 0) {
        px_diag_report(dg, PX_ERROR, path, 0, 0, "cannot read the file: %s", strerror(errno));
        *res = PX_INGEST_REFUSED;
        px_buf_release(&b);
        return 0;
    }
    *bytes = b.len;
    int ret = px_ingest_bytes(ig, path, (const unsigned char *)b.ptr, b.len, res, dg);
    px_buf_release(&b);
    return ret;
}

/* ---- the list of files ------------------------------------------------------------------- */

struct list {
    char **v;
    size_t n, cap;
};

static void
list_push(struct list *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = px_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
known_extension(const char *name)
{
    static const char *const exts[] = {".txt", ".md", ".html", ".htm", ".docx"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t k = strlen(exts[i]);
        if (n > k && strcasecmp(name + n - k, exts[i]) == 0)
            return 1;
    }
    return 0;
}

/* A file of another extension is taken when its first bytes are HTML or a zip. */
static int
sniffs_as_document(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char head[SNIFF_BYTES];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n > 0 && px_sniff_format(NULL, head, n) != PX_FMT_TEXT;
}

static char *
join_path(const char *dir, const char *name)
{
    struct px_buf b = PX_BUF_INIT;
    size_t n = strlen(dir);
    px_buf_puts(&b, dir);
    if (n == 0 || dir[n - 1] != '/')
        px_buf_putc(&b, '/');
    px_buf_puts(&b, name);
    return px_buf_detach(&b, NULL);
}

static void walk(const char *path, struct list *out, struct px_diag *dg, size_t *errors);

static void
walk_dir(const char *dir, struct list *out, struct px_diag *dg, size_t *errors)
{
    DIR *d = opendir(dir);
    if (!d) {
        px_diag_report(dg, PX_ERROR, dir, 0, 0, "cannot open the directory: %s", strerror(errno));
        ++*errors;
        return;
    }
    struct list names = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            list_push(&names, px_xstrdup(e->d_name));
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        char *p = join_path(dir, names.v[i]);
        struct stat sb;
        if (stat(p, &sb) < 0)
            ; /* vanished or a dangling link: not an input */
        else if (S_ISDIR(sb.st_mode))
            walk(p, out, dg, errors);
        else if (S_ISREG(sb.st_mode) && (known_extension(names.v[i]) || sniffs_as_document(p)))
            list_push(out, px_xstrdup(p));
        free(p);
        free(names.v[i]);
    }
    free(names.v);
}

static void
walk(const char *path, struct list *out, struct px_diag *dg, size_t *errors)
{
    struct stat sb;
    if (stat(path, &sb) < 0) {
        px_diag_report(dg, PX_ERROR, path, 0, 0, "cannot read the file: %s", strerror(errno));
        ++*errors;
    } else if (S_ISDIR(sb.st_mode)) {
        walk_dir(path, out, dg, errors);
    } else {
        list_push(out, px_xstrdup(path));
    }
}

size_t
px_ingest_list(char *const *paths, size_t npaths, char ***files, size_t *nfiles, struct px_diag *dg)
{
    struct list out = {0};
    size_t errors = 0;
    for (size_t i = 0; i < npaths; i++)
        walk(paths[i], &out, dg, &errors);
    *files = out.v;
    *nfiles = out.n;
    return errors;
}

void
px_ingest_list_free(char **files, size_t nfiles)
{
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
}

/* parallel — N extraction workers, one writer (see parallel.h). */
#define _POSIX_C_SOURCE 200809L

#include "parallel.h"

#include "normalize.h"
#include "parse.h"
#include "pool.h"
#include "sha256.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct slot {
    struct px_buf data; /* the file: doc.src borrows it */
    char sha[65];
    int has_doc;
    struct px_doc doc;
    struct px_extraction ex;
    int has_prep;
    struct px_store_prep prep; /* made by the worker, so the writer only writes */
    enum px_ingest_result res; /* SAME or REFUSED when decided without the writer */
    int failed;                /* a system failure in the worker */
    struct px_diag dg;
};

struct worker {
    char **files;
    struct px_normalizer *nz;
    struct px_extractor *ex;
    sqlite3 *db; /* read-only: the content-hash look-up */
    sqlite3_stmt *has_sha;
};

/* What the writer needs besides the slot. */
struct writer {
    struct px_store *st;
    char **files;
    size_t n;
    int as_baseline;
    px_parallel_progress *progress;
    void *arg;
    struct px_parallel_tally *t;
    struct px_diag *dg;
};

/* 1 stored, 0 not, -1 error. A file stored by the writer meanwhile is caught by the store. */
static int
worker_has_sha(struct worker *w, const char *sha)
{
    sqlite3_reset(w->has_sha);
    sqlite3_bind_text(w->has_sha, 1, sha, -1, SQLITE_STATIC);
    int rc = sqlite3_step(w->has_sha);
    sqlite3_reset(w->has_sha);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static void
extract_slot(struct worker *w, struct slot *s, const char *path)
{
    px_doc_init(&s->doc, path, PX_FMT_UNKNOWN, (const unsigned char *)s->data.ptr, s->data.len);
    s->has_doc = 1;
    size_t errors = px_diag_count(&s->dg, PX_ERROR);
    if (px_parse(&s->doc, &s->dg) < 0) {
        if (px_diag_count(&s->dg, PX_ERROR) == errors)
            px_diag_report(&s->dg, PX_ERROR, path, 0, 0, "cannot parse the file");
        s->res = PX_INGEST_REFUSED;
        return;
    }
    if (px_normalize_doc(w->nz, &s->doc, &s->dg) < 0 ||
        px_extract(w->ex, &s->doc, &s->ex, &s->dg) < 0) {
        s->failed = 1;
        return;
    }
    px_store_prepare(&s->doc, &s->ex, &s->prep);
    s->has_prep = 1;
}

/* Everything but the store: read, hash, the fast path, parse, normalise, extract. */
static void
work_on(struct worker *w, struct slot *s, const char *path)
{
    s->res = PX_INGEST_NEW; /* the writer decides between NEW, REPLACED and SAME */
    if (px_read_file(path, &s->data) < 0) {
        px_diag_report(&s->dg, PX_ERROR, path, 0, 0, "cannot read the file: %s", strerror(errno));
        s->res = PX_INGEST_REFUSED;
        return;
    }
    px_sha256_hex(s->data.ptr, s->data.len, s->sha);
    int has = worker_has_sha(w, s->sha);
    if (has < 0)
        s->failed =
            px_error(&s->dg, "database: cannot look up a checksum: %s", sqlite3_errmsg(w->db)) != 0;
    else if (has)
        s->res = PX_INGEST_SAME;
    else
        extract_slot(w, s, path);
}

static void
slot_reset(struct slot *s)
{
    if (s->has_prep)
        px_store_prep_release(&s->prep);
    s->has_prep = 0;
    if (s->has_doc)
        px_doc_release(&s->doc);
    s->has_doc = 0;
    px_buf_release(&s->data);
    px_diag_clear(&s->dg);
    s->failed = 0;
}

static int
write_slot(struct px_store *st, struct slot *s, int as_baseline, struct px_diag *dg)
{
    px_diag_forward(&s->dg, dg);
    if (s->failed)
        return -1;
    if (s->res == PX_INGEST_NEW) {
        enum px_store_result sr;
        if (px_store_put_prepared(st, &s->doc, s->sha, &s->ex, &s->prep, &sr, dg) < 0)
            return -1;
        s->res = sr == PX_STORE_NEW        ? PX_INGEST_NEW
                 : sr == PX_STORE_REPLACED ? PX_INGEST_REPLACED
                                           : PX_INGEST_SAME;
    }
    if (as_baseline && s->res != PX_INGEST_REFUSED)
        return px_store_mark_baseline(st, s->sha, dg);
    return 0;
}

static int
worker_setup(struct worker *w, const char *db_path, const char *rules_dir, struct px_diag *dg)
{
    w->nz = px_normalizer_new(dg);
    w->ex =
        w->nz ? px_extractor_new(rules_dir ? rules_dir : px_rules_default_dir(), w->nz, dg) : NULL;
    if (!w->ex)
        return -1;
    if (sqlite3_open_v2(db_path, &w->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "SELECT 1 FROM documents WHERE sha256 = ?1", -1, &w->has_sha,
                           NULL) != SQLITE_OK)
        return px_error(dg, "database '%s': cannot open for reading: %s", db_path,
                        sqlite3_errmsg(w->db));
    sqlite3_busy_timeout(w->db, 30000);
    return 0;
}

static void
worker_release(struct worker *w)
{
    sqlite3_finalize(w->has_sha);
    sqlite3_close(w->db);
    px_extractor_free(w->ex);
    px_normalizer_free(w->nz);
}

/* pool.h: the worker's part of file i. */
static void
work_item(void *worker, size_t i, void *slot)
{
    struct worker *w = worker;
    work_on(w, slot, w->files[i]);
}

/* pool.h: the writer's part, in file order. */
static int
write_item(void *arg, size_t i, void *slot)
{
    struct writer *wr = arg;
    struct slot *s = slot;
    int rc = write_slot(wr->st, s, wr->as_baseline, wr->dg);
    if (rc == 0)
        rc = px_store_batch_tick(wr->st, wr->dg);
    if (rc == 0) {
        wr->t->count[s->res]++;
        wr->t->bytes += s->data.len;
        if (wr->progress)
            wr->progress(wr->arg, i, wr->n, wr->files[i], s->res);
    }
    return rc;
}

static void
reset_item(void *slot)
{
    slot_reset(slot);
}

/* Each worker's normaliser, extractor and read connection; -1 (reported) if one fails. */
static int
setup_workers(struct worker *w, void **ptrs, int jobs, char **files, const char *db_path,
              const char *rules_dir, struct px_diag *dg)
{
    for (int i = 0; i < jobs; i++) {
        w[i].files = files;
        ptrs[i] = &w[i];
        if (worker_setup(&w[i], db_path, rules_dir, dg) < 0)
            return -1;
    }
    return 0;
}

int
px_ingest_parallel(struct px_store *st, const char *db_path, const char *rules_dir, int as_baseline,
                   char **files, size_t n, int jobs, px_parallel_progress *progress, void *arg,
                   struct px_parallel_tally *t, struct px_diag *dg)
{
    memset(t, 0, sizeof *t);
    if (jobs < 1)
        jobs = 1;
    size_t window = (size_t)jobs * PX_POOL_WINDOW_PER_WORKER;
    struct slot *slots = px_xcalloc(window, sizeof *slots);
    for (size_t i = 0; i < window; i++) {
        struct px_buf empty = PX_BUF_INIT; /* calloc'd slots: ptr must not stay NULL */
        slots[i].data = empty;
        px_diag_init(&slots[i].dg);
    }
    struct worker *w = px_xcalloc((size_t)jobs, sizeof *w);
    void **ptrs = px_xcalloc((size_t)jobs, sizeof *ptrs);
    struct writer wr = {st, files, n, as_baseline, progress, arg, t, dg};
    struct px_pool_job job = {.n = n,
                              .window = window,
                              .slots = slots,
                              .slot_size = sizeof *slots,
                              .workers = ptrs,
                              .nworkers = jobs,
                              .work = work_item,
                              .write = write_item,
                              .reset = reset_item,
                              .arg = &wr};
    int rc = setup_workers(w, ptrs, jobs, files, db_path, rules_dir, dg);
    /* the workers' connections are open: now the writer may take the write lock */
    if (rc == 0)
        rc = px_store_batch_begin(st, dg);
    if (rc == 0)
        rc = px_pool_run(&job, dg);
    /* A failed file was undone by its savepoint: the files stored before it are kept. */
    if (px_store_batch_commit(st, dg) < 0)
        rc = -1;
    for (int i = 0; i < jobs; i++)
        worker_release(&w[i]);
    for (size_t i = 0; i < window; i++) {
        slot_reset(&slots[i]);
        px_diag_release(&slots[i].dg);
    }
    free(slots);
    free(ptrs);
    free(w);
    return rc < 0 ? -1 : 0;
}

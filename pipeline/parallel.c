/* parallel — N extraction workers, one writer (see parallel.h). */
#define _POSIX_C_SOURCE 200809L

#include "parallel.h"

#include "normalize.h"
#include "parse.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Documents waiting for the writer, per worker: enough to ride out the writer's slower
 * documents (with 2 the workers stalled for it: -j 2 took 15 % longer), small enough that
 * memory does not depend on the batch. */
#define WINDOW_PER_WORKER 8

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_READY };

struct slot {
    enum slot_state state;
    size_t index;
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
    struct pool *pool;
    pthread_t thread;
    struct px_normalizer *nz;
    struct px_extractor *ex;
    sqlite3 *db; /* read-only: the content-hash look-up */
    sqlite3_stmt *has_sha;
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char **files;
    size_t n, next, written, window;
    struct slot *slots;
    int stop;
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

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    struct pool *p = w->pool;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->next < p->n && p->next >= p->written + p->window)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop || p->next >= p->n) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        size_t i = p->next++;
        struct slot *s = &p->slots[i % p->window];
        s->state = SLOT_BUSY;
        s->index = i;
        pthread_mutex_unlock(&p->mu);
        work_on(w, s, p->files[i]);
        pthread_mutex_lock(&p->mu);
        s->state = SLOT_READY;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
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
    s->state = SLOT_FREE;
}

/* The file's diagnostics, in file order, into the caller's sink (which may echo them). */
static void
forward_diag(const struct px_diag *from, struct px_diag *to)
{
    for (size_t i = 0; i < from->n; i++) {
        const struct px_diag_item *it = &from->items[i];
        px_diag_report(to, it->sev, it->file, it->line, it->col, "%s", it->msg);
    }
}

static int
write_slot(struct px_store *st, struct slot *s, int as_baseline, struct px_diag *dg)
{
    forward_diag(&s->dg, dg);
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

/* The writer: take the files back in order as the workers finish them. */
static int
write_all(struct pool *p, struct px_store *st, int as_baseline, px_parallel_progress *progress,
          void *arg, struct px_parallel_tally *t, struct px_diag *dg)
{
    for (size_t i = 0; i < p->n; i++) {
        struct slot *s = &p->slots[i % p->window];
        pthread_mutex_lock(&p->mu);
        while (s->state != SLOT_READY || s->index != i)
            pthread_cond_wait(&p->cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
        int rc = write_slot(st, s, as_baseline, dg);
        if (rc == 0)
            rc = px_store_batch_tick(st, dg);
        if (rc == 0) {
            t->count[s->res]++;
            t->bytes += s->data.len;
            if (progress)
                progress(arg, i, p->n, p->files[i], s->res);
        }
        pthread_mutex_lock(&p->mu);
        slot_reset(s);
        p->written++;
        p->stop = rc < 0;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int
start_workers(struct pool *p, struct worker *w, int jobs, const char *db_path,
              const char *rules_dir, struct px_diag *dg)
{
    for (int i = 0; i < jobs; i++) {
        w[i].pool = p;
        if (worker_setup(&w[i], db_path, rules_dir, dg) < 0)
            return -1;
    }
    return jobs;
}

int
px_ingest_parallel(struct px_store *st, const char *db_path, const char *rules_dir, int as_baseline,
                   char **files, size_t n, int jobs, px_parallel_progress *progress, void *arg,
                   struct px_parallel_tally *t, struct px_diag *dg)
{
    memset(t, 0, sizeof *t);
    if (jobs < 1)
        jobs = 1;
    struct pool p = {.files = files, .n = n, .window = (size_t)jobs * WINDOW_PER_WORKER};
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    p.slots = px_xcalloc(p.window, sizeof *p.slots);
    for (size_t i = 0; i < p.window; i++) {
        struct px_buf empty = PX_BUF_INIT; /* calloc'd slots: ptr must not stay NULL */
        p.slots[i].data = empty;
        px_diag_init(&p.slots[i].dg);
    }
    struct worker *w = px_xcalloc((size_t)jobs, sizeof *w);
    int started = 0, ready = start_workers(&p, w, jobs, db_path, rules_dir, dg);
    int rc = ready < 0 ? -1 : 0;
    for (; rc == 0 && started < ready; started++)
        if (pthread_create(&w[started].thread, NULL, worker_main, &w[started]) != 0)
            rc = px_error(dg, "cannot start a worker thread");
    if (rc == 0) /* the workers' connections are open: the writer may take the lock */
        rc = px_store_batch_begin(st, dg) < 0
                 ? -1
                 : write_all(&p, st, as_baseline, progress, arg, t, dg);
    /* A failed file was undone by its savepoint: the files stored before it are kept. */
    if (px_store_batch_commit(st, dg) < 0)
        rc = -1;
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < started; i++)
        pthread_join(w[i].thread, NULL);
    for (int i = 0; i < jobs; i++)
        worker_release(&w[i]);
    for (size_t i = 0; i < p.window; i++) {
        slot_reset(&p.slots[i]);
        px_diag_release(&p.slots[i].dg);
    }
    free(p.slots);
    free(w);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    return rc;
}

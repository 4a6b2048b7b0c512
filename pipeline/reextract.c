/* reextract — extraction again from stored blocks, serial or N readers and one writer. */
#define _POSIX_C_SOURCE 200809L

#include "reextract.h"

#include "normalize.h"
#include "reload.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* Documents waiting for the writer, per worker (as in parallel.c). */
#define WINDOW_PER_WORKER 8

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_READY };

struct slot {
    enum slot_state state;
    size_t index;
    int64_t id;
    int has_doc, has_maps, failed;
    struct px_doc doc;
    struct px_extraction ex; /* arena-owned by doc */
    struct px_diag dg;
};

/* What reloading and extracting needs: one per thread. */
struct reader {
    struct px_store *own; /* the worker's connection (NULL on the serial path) */
    struct px_reload *rl;
    struct px_normalizer *nz;
    struct px_extractor *ex;
};

struct worker {
    struct pool *pool;
    pthread_t thread;
    struct reader rd;
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const int64_t *ids;
    size_t n, next, written, window;
    struct slot *slots;
    int stop;
};

static int
reader_open(struct reader *rd, struct px_store *shared, const char *db_path, const char *rules_dir,
            struct px_diag *dg)
{
    memset(rd, 0, sizeof *rd);
    struct px_store *st = shared;
    if (!st)
        st = rd->own = px_store_open(db_path, dg);
    rd->rl = st ? px_reload_new(st, dg) : NULL;
    rd->nz = rd->rl ? px_normalizer_new(dg) : NULL;
    rd->ex = rd->nz ? px_extractor_new(rules_dir ? rules_dir : px_rules_default_dir(), rd->nz, dg)
                    : NULL;
    return rd->ex ? 0 : -1;
}

static void
reader_close(struct reader *rd)
{
    px_extractor_free(rd->ex);
    px_normalizer_free(rd->nz);
    px_reload_free(rd->rl);
    px_store_close(rd->own);
    memset(rd, 0, sizeof *rd);
}

/* Reload one document and extract from it; the slot keeps both for the writer. */
static void
read_and_extract(struct reader *rd, struct slot *s)
{
    if (px_reload_doc(rd->rl, s->id, &s->doc, &s->has_maps, &s->dg) < 0) {
        s->failed = 1;
        return;
    }
    s->has_doc = 1;
    s->failed = px_extract(rd->ex, &s->doc, &s->ex, &s->dg) < 0;
}

static void
slot_reset(struct slot *s)
{
    if (s->has_doc)
        px_doc_release(&s->doc);
    s->has_doc = 0;
    s->failed = 0;
    px_diag_clear(&s->dg);
    s->state = SLOT_FREE;
}

static void
forward_diag(const struct px_diag *from, struct px_diag *to)
{
    for (size_t i = 0; i < from->n; i++) {
        const struct px_diag_item *it = &from->items[i];
        px_diag_report(to, it->sev, it->file, it->line, it->col, "%s", it->msg);
    }
}

/* The writer's part of one document (a new transaction every PX_STORE_BATCH_MS). */
static int
write_slot(struct px_store *st, struct slot *s, struct px_reextract_tally *t, struct px_diag *dg)
{
    forward_diag(&s->dg, dg);
    int changed = 0;
    if (s->failed || px_store_replace_extraction(st, s->id, &s->ex, &changed, dg) < 0)
        return -1;
    t->done++;
    t->changed += changed != 0;
    t->without_maps += !s->has_maps;
    return px_store_batch_tick(st, dg);
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
        s->id = p->ids[i];
        pthread_mutex_unlock(&p->mu);
        read_and_extract(&w->rd, s);
        pthread_mutex_lock(&p->mu);
        s->state = SLOT_READY;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

/* The writer: take the documents back in order as the workers finish them. */
static int
write_all(struct pool *p, struct px_store *st, px_reextract_progress *progress, void *arg,
          struct px_reextract_tally *t, struct px_diag *dg)
{
    for (size_t i = 0; i < p->n; i++) {
        struct slot *s = &p->slots[i % p->window];
        pthread_mutex_lock(&p->mu);
        while (s->state != SLOT_READY || s->index != i)
            pthread_cond_wait(&p->cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
        int rc = write_slot(st, s, t, dg);
        if (rc == 0 && progress)
            progress(arg, i, p->n, t);
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
run_parallel(struct pool *p, struct px_store *st, const char *db_path, const char *rules_dir,
             int jobs, px_reextract_progress *progress, void *arg, struct px_reextract_tally *t,
             struct px_diag *dg)
{
    struct worker *w = px_xcalloc((size_t)jobs, sizeof *w);
    int rc = 0, started = 0, opened = 0;
    for (; rc == 0 && opened < jobs; opened++) {
        w[opened].pool = p;
        rc = reader_open(&w[opened].rd, NULL, db_path, rules_dir, dg);
    }
    for (; rc == 0 && started < jobs; started++)
        if (pthread_create(&w[started].thread, NULL, worker_main, &w[started]) != 0)
            rc = px_error(dg, "cannot start a worker thread");
    if (rc == 0) /* the readers are open: now the writer may take the write lock */
        rc = px_store_batch_begin(st, dg) < 0 ? -1 : write_all(p, st, progress, arg, t, dg);
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < started; i++)
        pthread_join(w[i].thread, NULL);
    for (int i = 0; i < opened; i++)
        reader_close(&w[i].rd);
    free(w);
    return rc;
}

/* jobs == 1: one slot, the caller's thread and connection. */
static int
run_serial(struct pool *p, struct px_store *st, const char *rules_dir,
           px_reextract_progress *progress, void *arg, struct px_reextract_tally *t,
           struct px_diag *dg)
{
    struct reader rd;
    int rc = reader_open(&rd, st, NULL, rules_dir, dg);
    if (rc == 0)
        rc = px_store_batch_begin(st, dg);
    struct slot *s = &p->slots[0];
    for (size_t i = 0; rc == 0 && i < p->n; i++) {
        s->id = p->ids[i];
        read_and_extract(&rd, s);
        rc = write_slot(st, s, t, dg);
        if (rc == 0 && progress)
            progress(arg, i, p->n, t);
        slot_reset(s);
    }
    reader_close(&rd);
    return rc;
}

int
px_reextract(struct px_store *st, const char *db_path, const char *rules_dir, const int64_t *ids,
             size_t n, int jobs, px_reextract_progress *progress, void *arg,
             struct px_reextract_tally *t, struct px_diag *dg)
{
    memset(t, 0, sizeof *t);
    if (jobs < 1)
        jobs = 1;
    struct pool p = {.ids = ids, .n = n, .window = (size_t)jobs * WINDOW_PER_WORKER};
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    p.slots = px_xcalloc(p.window, sizeof *p.slots);
    for (size_t i = 0; i < p.window; i++)
        px_diag_init(&p.slots[i].dg);
    int rc = jobs == 1 ? run_serial(&p, st, rules_dir, progress, arg, t, dg)
                       : run_parallel(&p, st, db_path, rules_dir, jobs, progress, arg, t, dg);
    /* A failed document was undone by its savepoint: those before it are kept. */
    int end = px_store_batch_commit(st, dg);
    for (size_t i = 0; i < p.window; i++) {
        slot_reset(&p.slots[i]);
        px_diag_release(&p.slots[i].dg);
    }
    free(p.slots);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    return rc == 0 ? end : rc;
}

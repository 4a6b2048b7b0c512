/* reextract — extraction again from stored blocks, serial or N readers and one writer. */
#define _POSIX_C_SOURCE 200809L

#include "reextract.h"

#include "normalize.h"
#include "pool.h"
#include "reload.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

struct slot {
    int64_t id;
    int has_doc, has_maps, failed;
    int skipped;     /* made under the same fingerprints: nothing to run */
    int write_state; /* the stored extraction state differs from this run's */
    struct px_doc doc;
    struct px_extraction ex;   /* arena-owned by doc */
    struct px_digests digests; /* of ex, made with it so the writer does not hash */
    struct px_diag dg;
};

/* What reloading and extracting needs: one per thread. */
struct reader {
    struct px_store *own;        /* the worker's connection (NULL on the serial path) */
    struct px_store *db;         /* own, or the caller's on the serial path */
    int full;                    /* run every stage, whatever the fingerprints say */
    struct px_store_state state; /* of the document being read */
    struct px_reload *rl;
    struct px_normalizer *nz;
    struct px_extractor *ex;
};

struct worker {
    const int64_t *ids;
    struct reader rd;
};

/* The run: what the writer needs besides the slot. */
struct run {
    struct px_store *st;
    const int64_t *ids;
    size_t n;
    px_reextract_progress *progress;
    void *arg;
    struct px_reextract_tally *t;
    struct px_diag *dg;
    int full;
};

static int
reader_open(struct reader *rd, struct px_store *shared, const char *db_path, const char *rules_dir,
            int full, struct px_diag *dg)
{
    memset(rd, 0, sizeof *rd);
    rd->full = full;
    rd->state.taskmap = (struct px_buf)PX_BUF_INIT;
    struct px_store *st = shared;
    if (!st)
        st = rd->own = px_store_open(db_path, dg);
    rd->db = st;
    rd->rl = st && px_store_map_file(st, dg) == 0 ? px_reload_new(st, dg) : NULL;
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
    px_buf_release(&rd->state.taskmap);
    memset(rd, 0, sizeof *rd);
}

/* Does the stored state differ from what this run made? Then the writer writes it. */
static int
state_differs(const struct px_store_state *old, const struct px_extraction *ex)
{
    return !old->present || strcmp(old->upstream, ex->upstream) || strcmp(old->whole, ex->whole) ||
           old->taskmap.len != ex->taskmap.n ||
           (ex->taskmap.n && memcmp(old->taskmap.ptr, ex->taskmap.p, ex->taskmap.n) != 0);
}

/*
 * Reload one document and extract from it; the slot keeps both for the
 * writer. The stored fingerprints say how much to run (extract.h): nothing
 * when the whole one is this extractor's, the targets stage alone when the
 * upstream one is, else every stage.
 */
static void
read_and_extract(struct reader *rd, struct slot *s)
{
    const char *upstream = px_extractor_upstream(rd->ex), *whole = px_extractor_whole(rd->ex);
    const struct px_store_state *old = &rd->state;
    if (px_store_get_state(rd->db, s->id, &rd->state, &s->dg) < 0) {
        s->failed = 1;
        return;
    }
    int reuse = !rd->full && old->present && *upstream;
    if (reuse && strcmp(old->whole, whole) == 0) {
        s->skipped = 1;
        return;
    }
    if (px_reload_doc(rd->rl, s->id, &s->doc, &s->has_maps, &s->dg) < 0) {
        s->failed = 1;
        return;
    }
    s->has_doc = 1;
    int rc = 1;
    if (reuse && strcmp(old->upstream, upstream) == 0)
        rc = px_extract_targets_from(rd->ex, &s->doc, old->taskmap.ptr, old->taskmap.len, &s->ex,
                                     &s->dg);
    if (rc == 1) /* another upstream, or a map that does not fit: every stage */
        rc = px_extract(rd->ex, &s->doc, &s->ex, &s->dg);
    s->failed = rc < 0;
    if (s->failed)
        return;
    s->write_state = state_differs(old, &s->ex);
    px_store_digests(&s->ex, &s->digests);
}

static void
slot_reset(struct slot *s)
{
    if (s->has_doc)
        px_doc_release(&s->doc);
    s->has_doc = 0;
    s->failed = s->skipped = s->write_state = 0;
    px_diag_clear(&s->dg);
}

/* The writer's part of one document (a new transaction every PX_STORE_BATCH_MS). */
static int
write_slot(struct px_store *st, struct slot *s, struct px_reextract_tally *t, struct px_diag *dg)
{
    px_diag_forward(&s->dg, dg);
    int changed = 0;
    if (s->failed)
        return -1;
    if (!s->skipped && px_store_replace_extraction(st, s->id, &s->ex, &s->digests, s->write_state,
                                                   &changed, dg) < 0)
        return -1;
    t->done++;
    t->changed += changed != 0;
    t->skipped += s->skipped;
    t->targets_only += !s->skipped && s->ex.targets_only;
    t->without_maps += !s->skipped && !s->has_maps;
    return px_store_batch_tick(st, dg);
}

/* pool.h: a worker reloads and extracts document i. */
static void
work_item(void *worker, size_t i, void *slot)
{
    struct worker *w = worker;
    struct slot *s = slot;
    s->id = w->ids[i];
    read_and_extract(&w->rd, s);
}

/* pool.h: the writer, in order. */
static int
write_item(void *arg, size_t i, void *slot)
{
    struct run *r = arg;
    int rc = write_slot(r->st, slot, r->t, r->dg);
    if (rc == 0 && r->progress)
        r->progress(r->arg, i, r->n, r->t);
    return rc;
}

static void
reset_item(void *slot)
{
    slot_reset(slot);
}

static int
run_parallel(struct run *r, struct slot *slots, size_t window, const char *db_path,
             const char *rules_dir, int jobs)
{
    struct worker *w = px_xcalloc((size_t)jobs, sizeof *w);
    void **ptrs = px_xcalloc((size_t)jobs, sizeof *ptrs);
    int rc = 0, opened = 0;
    for (; rc == 0 && opened < jobs; opened++) {
        w[opened].ids = r->ids;
        ptrs[opened] = &w[opened];
        rc = reader_open(&w[opened].rd, NULL, db_path, rules_dir, r->full, r->dg);
    }
    struct px_pool_job job = {.n = r->n,
                              .window = window,
                              .slots = slots,
                              .slot_size = sizeof *slots,
                              .workers = ptrs,
                              .nworkers = jobs,
                              .work = work_item,
                              .write = write_item,
                              .reset = reset_item,
                              .arg = r};
    if (rc == 0) /* the readers are open: now the writer may take the write lock */
        rc = px_store_batch_begin(r->st, r->dg);
    if (rc == 0)
        rc = px_pool_run(&job, r->dg);
    for (int i = 0; i < opened; i++)
        reader_close(&w[i].rd);
    free(ptrs);
    free(w);
    return rc < 0 ? -1 : 0;
}

/* jobs == 1: one slot, the caller's thread and connection. */
static int
run_serial(struct run *r, struct slot *s, const char *rules_dir)
{
    struct reader rd;
    int rc = reader_open(&rd, r->st, NULL, rules_dir, r->full, r->dg);
    if (rc == 0)
        rc = px_store_batch_begin(r->st, r->dg);
    for (size_t i = 0; rc == 0 && i < r->n; i++) {
        s->id = r->ids[i];
        read_and_extract(&rd, s);
        rc = write_item(r, i, s);
        slot_reset(s);
    }
    reader_close(&rd);
    return rc;
}

int
px_reextract(struct px_store *st, const char *db_path, const char *rules_dir, const int64_t *ids,
             size_t n, const struct px_reextract_opts *o, px_reextract_progress *progress,
             void *arg, struct px_reextract_tally *t, struct px_diag *dg)
{
    memset(t, 0, sizeof *t);
    int jobs = o->jobs < 1 ? 1 : o->jobs;
    struct run r = {st, ids, n, progress, arg, t, dg, o->full};
    size_t window = jobs == 1 ? 1 : (size_t)jobs * PX_POOL_WINDOW_PER_WORKER;
    struct slot *slots = px_xcalloc(window, sizeof *slots);
    for (size_t i = 0; i < window; i++)
        px_diag_init(&slots[i].dg);
    int rc = jobs == 1 ? run_serial(&r, slots, rules_dir)
                       : run_parallel(&r, slots, window, db_path, rules_dir, jobs);
    /* A failed document was undone by its savepoint: those before it are kept. */
    int end = px_store_batch_commit(st, dg);
    for (size_t i = 0; i < window; i++) {
        slot_reset(&slots[i]);
        px_diag_release(&slots[i].dg);
    }
    free(slots);
    return rc == 0 ? end : rc;
}

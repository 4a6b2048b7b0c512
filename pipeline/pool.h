/*
 * pool — N worker threads that prepare items, one writer that takes them
 * back in order: the shape of `planex ingest -j N` (parallel.h) and of
 * `planex reextract -j N` (reextract.h).
 *
 * Includes diag.h (a thread that cannot start is reported) and stddef.h. Used by parallel.c and
 * reextract.c.
 *
 * Items 0..n-1 are handed to the workers in order; each works on its item in
 * a slot of its own; the calling thread writes the slots back in item order
 * (so the result is the one a serial run gives) and resets each slot for a
 * later item. At most `window` items are between the workers and the
 * writer, so memory does not depend on n. A write that fails stops the run:
 * no item after it is written (slots of items in flight are left as they
 * are: the caller resets every slot after the run).
 *
 * Ownership: the caller owns the workers' state (one pointer per worker,
 * made before and released after the run) and the slots (window of them,
 * slot_size bytes each); the pool owns only its threads and lock.
 */
#ifndef PX_POOL_H
#define PX_POOL_H

#include "diag.h"

#include <stddef.h>

/* Items in flight per worker: enough to ride out the writer's slower items (with 2 the
 * workers of ingest -j 2 stalled for it: 15 % longer), few enough that memory does not
 * depend on n. Callers size the window as nworkers times this. */
#define PX_POOL_WINDOW_PER_WORKER 8

struct px_pool_job {
    size_t n;      /* items */
    size_t window; /* slots: items in flight at most */
    void *slots;   /* window slots of slot_size bytes */
    size_t slot_size;
    void **workers; /* one state per worker thread */
    int nworkers;
    /* A worker's part: item `index` into its slot (runs on the worker's thread). */
    void (*work)(void *worker, size_t index, void *slot);
    /* The writer's part, in item order on the calling thread: 0, or -1 to stop. */
    int (*write)(void *arg, size_t index, void *slot);
    /* Make a written slot ready for a later item. */
    void (*reset)(void *slot);
    void *arg;
};

/* Run the job. Returns 0, or -1 when a write failed (the writer reported why) or a worker
 * thread could not start (reported into dg). */
int px_pool_run(const struct px_pool_job *job, struct px_diag *dg);

#endif

/* pool — N workers, one writer in item order (see pool.h). */
#define _POSIX_C_SOURCE 200809L

#include "pool.h"

#include "buf.h"

#include <pthread.h>
#include <stdlib.h>

#include "banned.h"

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_READY };

struct pool {
    const struct px_pool_job *job;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next, written;
    enum slot_state *state; /* per slot */
    size_t *item;           /* per slot: the item it holds */
    int stop;
};

struct thread_arg {
    struct pool *p;
    void *worker;
};

static void *
slot_at(const struct px_pool_job *job, size_t i)
{
    return (char *)job->slots + (i % job->window) * job->slot_size;
}

static void *
worker_main(void *arg)
{
    struct thread_arg *ta = arg;
    struct pool *p = ta->p;
    const struct px_pool_job *job = p->job;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->next < job->n && p->next >= p->written + job->window)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop || p->next >= job->n) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        size_t i = p->next++;
        p->state[i % job->window] = SLOT_BUSY;
        p->item[i % job->window] = i;
        pthread_mutex_unlock(&p->mu);
        job->work(ta->worker, i, slot_at(job, i));
        pthread_mutex_lock(&p->mu);
        p->state[i % job->window] = SLOT_READY;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

/* The writer: take the items back in order as the workers finish them. */
static int
write_all(struct pool *p)
{
    const struct px_pool_job *job = p->job;
    for (size_t i = 0; i < job->n; i++) {
        size_t k = i % job->window;
        pthread_mutex_lock(&p->mu);
        while (p->state[k] != SLOT_READY || p->item[k] != i)
            pthread_cond_wait(&p->cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
        int rc = job->write(job->arg, i, slot_at(job, i));
        job->reset(slot_at(job, i));
        pthread_mutex_lock(&p->mu);
        p->state[k] = SLOT_FREE;
        p->written++;
        p->stop = rc < 0;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int
px_pool_run(const struct px_pool_job *job, struct px_diag *dg)
{
    struct pool p = {.job = job};
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    p.state = px_xcalloc(job->window, sizeof *p.state);
    p.item = px_xcalloc(job->window, sizeof *p.item);
    struct thread_arg *ta = px_xcalloc((size_t)job->nworkers, sizeof *ta);
    pthread_t *th = px_xcalloc((size_t)job->nworkers, sizeof *th);
    int rc = 0, started = 0;
    for (; started < job->nworkers; started++) {
        ta[started] = (struct thread_arg){&p, job->workers[started]};
        if (pthread_create(&th[started], NULL, worker_main, &ta[started]) != 0) {
            rc = px_error(dg, "cannot start a worker thread");
            break;
        }
    }
    if (rc == 0)
        rc = write_all(&p);
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    free(ta);
    free(p.item);
    free(p.state);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    return rc;
}

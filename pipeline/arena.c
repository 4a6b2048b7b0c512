#include "arena.h"
#include "buf.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 64 KiB chunks: a plan of ~50 KB needs a handful; large requests get their own chunk. */
#define CHUNK_SIZE (64 * 1024)

struct px_arena_chunk {
    struct px_arena_chunk *next;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

void
px_arena_init(struct px_arena *a)
{
    a->head = NULL;
    a->used = 0;
}

void
px_arena_release(struct px_arena *a)
{
    struct px_arena_chunk *c = a->head;
    while (c) {
        struct px_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
}

static struct px_arena_chunk *
new_chunk(size_t size)
{
    struct px_arena_chunk *c = px_xmalloc(sizeof *c + size);
    c->size = size;
    c->used = 0;
    c->next = NULL;
    return c;
}

void *
px_arena_alloc(struct px_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    struct px_arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        if (n > CHUNK_SIZE / 4) {
            /* A big object gets its own chunk behind the head, so the head keeps its space. */
            struct px_arena_chunk *big = new_chunk(n);
            big->used = n;
            if (c) {
                big->next = c->next;
                c->next = big;
            } else {
                a->head = big;
            }
            a->used += n;
            return big->data;
        }
        c = new_chunk(CHUNK_SIZE);
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    a->used += n;
    return p;
}

void *
px_arena_calloc(struct px_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        abort();
    void *p = px_arena_alloc(a, n * size);
    memset(p, 0, n * size);
    return p;
}

char *
px_arena_strndup(struct px_arena *a, const char *s, size_t n)
{
    char *p = px_arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
px_arena_strdup(struct px_arena *a, const char *s)
{
    return px_arena_strndup(a, s, strlen(s));
}

void *
px_arena_grow(struct px_arena *a, void *old, size_t old_n, size_t new_cap, size_t size)
{
    void *p = px_arena_calloc(a, new_cap, size);
    if (old && old_n)
        memcpy(p, old, old_n * size);
    return p;
}

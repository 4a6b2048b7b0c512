/*
 * arena — bump allocator that owns everything of one document.
 *
 * Includes only buf.h. Every block, cell, span and extracted record of a
 * document lives in the document's arena, so releasing a document is one
 * call. Memory from an arena is never freed one object at a time.
 *
 * Invariants: px_arena_alloc never returns NULL (it aborts on OOM, like
 * px_xmalloc); every pointer is aligned for any scalar type.
 */
#ifndef PX_ARENA_H
#define PX_ARENA_H

#include <stddef.h>

struct px_arena_chunk;

struct px_arena {
    struct px_arena_chunk *head;
    size_t used; /* bytes handed out, for statistics */
};

/* One line, which clang-format 14 would spread over four. */
/* clang-format off */
#define PX_ARENA_INIT {NULL, 0}
/* clang-format on */

void px_arena_init(struct px_arena *a);
/* Free every chunk; the arena is reusable afterwards. */
void px_arena_release(struct px_arena *a);
void *px_arena_alloc(struct px_arena *a, size_t n);
void *px_arena_calloc(struct px_arena *a, size_t n, size_t size);
/* Copy n bytes and add a NUL. */
char *px_arena_strndup(struct px_arena *a, const char *s, size_t n);
char *px_arena_strdup(struct px_arena *a, const char *s);
/* Grow an arena array: returns a copy with room for new_cap items (old items copied). */
void *px_arena_grow(struct px_arena *a, void *old, size_t old_n, size_t new_cap, size_t size);

#endif

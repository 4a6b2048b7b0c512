/*
 * buf — growable byte buffer, non-owning slice, and allocation helpers.
 *
 * Includes nothing from the project; everything else may include it.
 *
 * Invariants of struct px_buf:
 *   - ptr is never NULL (PX_BUF_INIT points at a shared empty string);
 *   - ptr[len] == '\0' after every operation, so ptr is always a C string;
 *   - the buffer owns ptr once cap > 0; px_buf_release() frees it.
 *
 * struct px_str is a borrowed view: it is never assumed NUL-terminated.
 *
 * Out of memory is not an error we recover from in a batch tool: the
 * px_x* allocators print a message and abort(), so callers never check.
 */
#ifndef PX_BUF_H
#define PX_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern char px_buf_empty[];

struct px_buf {
    char *ptr;
    size_t len;
    size_t cap;
};

/* One line, which clang-format 14 would spread over four. */
/* clang-format off */
#define PX_BUF_INIT {px_buf_empty, 0, 0}
/* clang-format on */

struct px_str {
    const char *p;
    size_t len;
};

void *px_xmalloc(size_t n);
void *px_xcalloc(size_t n, size_t size);
void *px_xrealloc(void *p, size_t n);
char *px_xstrdup(const char *s);
char *px_xstrndup(const char *s, size_t n);

/* Make room for at least `extra` more bytes (plus the NUL). */
void px_buf_grow(struct px_buf *b, size_t extra);
void px_buf_put(struct px_buf *b, const void *data, size_t len);
void px_buf_puts(struct px_buf *b, const char *s);
void px_buf_putc(struct px_buf *b, char c);
/* The UTF-8 bytes of code point c (at most 4) in out; returns how many. A surrogate or a
 * value past U+10FFFF is written as U+FFFD. */
size_t px_utf8_encode(uint32_t c, char out[4]);
/* Append code point c as UTF-8 (px_utf8_encode). */
void px_buf_put_utf8(struct px_buf *b, uint32_t c);
void px_buf_printf(struct px_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void px_buf_vprintf(struct px_buf *b, const char *fmt, va_list ap);
/* Drop the contents but keep the allocation. */
void px_buf_clear(struct px_buf *b);
void px_buf_truncate(struct px_buf *b, size_t len);
/* Free the allocation and reset to PX_BUF_INIT. */
void px_buf_release(struct px_buf *b);
/* Hand the heap string to the caller (caller frees with free()); the buffer is reset. */
char *px_buf_detach(struct px_buf *b, size_t *len);

/* FNV-1a of s[0..n): the hash of every lookup table of the project (rule ids, agency keys,
 * XML names, interned strings). Tables keep their own order, so the value never shows. */
static inline uint64_t
px_hash_bytes(const void *s, size_t n)
{
    const unsigned char *p = s;
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * UINT64_C(1099511628211);
    return h;
}

/* Append v as an unsigned LEB128 number: 7 bits a byte, lowest first, the high bit set on
 * all bytes but the last; at most 10 bytes. The compact blobs of the store use it. */
void px_buf_put_varint(struct px_buf *b, uint64_t v);

/* A reader of such numbers over p[0..end). */
struct px_varint_reader {
    const unsigned char *p, *end;
    int bad; /* set by a number cut short or longer than 64 bits; sticks */
};

/* The next number, or 0 with r->bad set. Inline: offset maps are read a number at a time. */
static inline uint64_t
px_varint_get(struct px_varint_reader *r)
{
    if (r->p < r->end && *r->p < 0x80) /* most numbers take one byte */
        return *r->p++;
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64 && r->p < r->end; shift += 7) {
        unsigned char byte = *r->p++;
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return v;
    }
    r->bad = 1;
    return 0;
}

/* Read a whole file. Returns 0, or -1 with errno set. Caller releases out. */
int px_read_file(const char *path, struct px_buf *out);

#endif

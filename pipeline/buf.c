#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char px_buf_empty[1];

static void
out_of_memory(size_t n)
{
    fprintf(stderr, "planex: out of memory allocating %zu bytes\n", n);
    abort();
}

void *
px_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *
px_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(n * size);
    return p;
}

void *
px_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *
px_xstrndup(const char *s, size_t n)
{
    char *p = px_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
px_xstrdup(const char *s)
{
    return px_xstrndup(s, strlen(s));
}

void
px_buf_grow(struct px_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap / 2 * 3 + 16;
    if (b->cap == 0) {
        char *p = px_xmalloc(cap);
        memcpy(p, b->ptr, b->len);
        b->ptr = p;
    } else {
        b->ptr = px_xrealloc(b->ptr, cap);
    }
    b->cap = cap;
}

void
px_buf_put(struct px_buf *b, const void *data, size_t len)
{
    if (len == 0)
        return;
    px_buf_grow(b, len);
    memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
}

void
px_buf_puts(struct px_buf *b, const char *s)
{
    px_buf_put(b, s, strlen(s));
}

void
px_buf_putc(struct px_buf *b, char c)
{
    px_buf_grow(b, 1);
    b->ptr[b->len++] = c;
    b->ptr[b->len] = '\0';
}

size_t
px_utf8_encode(uint32_t c, char out[4])
{
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        c = 0xFFFD;
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

void
px_buf_put_utf8(struct px_buf *b, uint32_t c)
{
    char s[4];
    px_buf_put(b, s, px_utf8_encode(c, s));
}

void
px_buf_vprintf(struct px_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n <= 0)
        return;
    px_buf_grow(b, (size_t)n);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void
px_buf_printf(struct px_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    px_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void
px_buf_clear(struct px_buf *b)
{
    px_buf_truncate(b, 0);
}

void
px_buf_truncate(struct px_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    if (b->cap)
        b->ptr[len] = '\0';
}

void
px_buf_release(struct px_buf *b)
{
    if (b->cap)
        free(b->ptr);
    b->ptr = px_buf_empty;
    b->len = b->cap = 0;
}

char *
px_buf_detach(struct px_buf *b, size_t *len)
{
    char *p = b->cap ? b->ptr : px_xstrdup("");
    if (len)
        *len = b->len;
    b->ptr = px_buf_empty;
    b->len = b->cap = 0;
    return p;
}

int
px_read_file(const char *path, struct px_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        px_buf_put(out, chunk, n);
    int err = ferror(f);
    int saved = errno;
    fclose(f);
    if (err) {
        errno = saved ? saved : EIO;
        return -1;
    }
    return 0;
}

void
px_buf_put_varint(struct px_buf *b, uint64_t v)
{
    px_buf_grow(b, 10); /* 64 bits, 7 a byte */
    char *p = b->ptr + b->len;
    while (v >= 0x80) {
        *p++ = (char)(0x80 | (v & 0x7f));
        v >>= 7;
    }
    *p++ = (char)v;
    *p = '\0';
    b->len = (size_t)(p - b->ptr);
}

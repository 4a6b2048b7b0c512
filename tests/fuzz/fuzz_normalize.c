/*
 * fuzz_normalize — px_normalize on arbitrary valid UTF-8.
 *
 * The first byte chooses the flags (key, one-line); invalid UTF-8 is skipped
 * (the normaliser's contract starts after encoding checks). Checks: the
 * output is valid UTF-8, the map is monotonic, in range and ends at len, and
 * normalising twice changes nothing.
 */
#include "encoding.h"
#include "normalize.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct px_normalizer *nz;

static void
check_map(const uint32_t *map, size_t out_len, size_t in_len)
{
    for (size_t i = 0; i < out_len; i++) {
        if (map[i] >= in_len || (i > 0 && map[i] < map[i - 1]))
            abort();
    }
    if (map[out_len] != in_len)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct px_diag dg;
    px_diag_init(&dg);
    if (!nz)
        nz = px_normalizer_new(&dg);
    if (!nz || size == 0) {
        px_diag_release(&dg);
        return 0;
    }
    unsigned flags = data[0] & (PX_NORM_KEY | PX_NORM_ONELINE);
    const char *s = (const char *)data + 1;
    size_t len = size - 1;
    if (px_utf8_validate((const unsigned char *)s, len, NULL) == 0) {
        struct px_buf out = PX_BUF_INIT, again = PX_BUF_INIT;
        uint32_t *map = NULL;
        if (px_normalize(nz, s, len, flags, &out, &map, &dg) == 0) {
            check_map(map, out.len, len);
            if (px_utf8_validate((const unsigned char *)out.ptr, out.len, NULL) != 0)
                abort();
            if (px_normalize(nz, out.ptr, out.len, flags, &again, NULL, &dg) == 0 &&
                !(flags & PX_NORM_KEY) &&
                (again.len != out.len || memcmp(again.ptr, out.ptr, out.len)))
                abort();
        }
        free(map);
        px_buf_release(&out);
        px_buf_release(&again);
    }
    px_diag_release(&dg);
    return 0;
}

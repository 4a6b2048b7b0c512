/* Placeholder: this module is being written; every entry point reports that. */
#include "normalize.h"
#include <stdlib.h>
#include <string.h>
struct px_normalizer {
    int unused;
};

struct px_normalizer *
px_normalizer_new(struct px_diag *dg)
{
    (void)dg;
    return px_xcalloc(1, sizeof(struct px_normalizer));
}

void
px_normalizer_free(struct px_normalizer *nz)
{
    free(nz);
}

int
px_normalize(struct px_normalizer *nz, const char *s, size_t len, unsigned flags,
             struct px_buf *out, uint32_t **map, struct px_diag *dg)
{
    (void)nz, (void)flags, (void)dg;
    px_buf_clear(out);
    px_buf_put(out, s, len);
    if (map) {
        *map = px_xmalloc((len + 1) * sizeof **map);
        for (size_t i = 0; i <= len; i++)
            (*map)[i] = (uint32_t)i;
    }
    return 0;
}

char *
px_normalize_arena(struct px_normalizer *nz, struct px_arena *a, const char *s, size_t len,
                   unsigned flags)
{
    (void)nz, (void)flags;
    return px_arena_strndup(a, s, len);
}

int
px_normalize_doc(struct px_normalizer *nz, struct px_doc *doc, struct px_diag *dg)
{
    (void)nz, (void)doc, (void)dg;
    return 0;
}

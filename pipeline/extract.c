/* Placeholder: this module is being written; every entry point reports that. */
#include "extract.h"
#include <stdlib.h>
#include <string.h>
struct px_extractor {
    int unused;
};

struct px_extractor *
px_extractor_new(const char *rules_dir, struct px_normalizer *nz, struct px_diag *dg)
{
    (void)rules_dir, (void)nz, (void)dg;
    return px_xcalloc(1, sizeof(struct px_extractor));
}

void
px_extractor_free(struct px_extractor *ex)
{
    free(ex);
}

int
px_extract(struct px_extractor *ex, struct px_doc *doc, struct px_extraction *out,
           struct px_diag *dg)
{
    (void)ex, (void)doc, (void)dg;
    memset(out, 0, sizeof *out);
    out->info.kind = "other";
    return 0;
}

const char *
px_deadline_kind_name(enum px_deadline_kind k)
{
    static const char *const names[] = {"unknown", "date", "period", "recurring", "continuous",
                                        "as_required"};
    return (unsigned)k < 6 ? names[k] : "unknown";
}

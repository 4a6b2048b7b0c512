/* Placeholder: this module is being written. */
#include "records_json.h"

int
px_extraction_write_jsonl(FILE *f, const struct px_docmeta *m, const struct px_extraction *ex,
                          int with_why)
{
    (void)f, (void)m, (void)ex, (void)with_why;
    return -1;
}

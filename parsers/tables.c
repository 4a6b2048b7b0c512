/* Placeholder: this module is being written. */
#include "parse.h"

void
px_tables_merge_pages(struct px_doc *doc)
{
    (void)doc;
}

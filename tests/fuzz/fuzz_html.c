/* fuzz_html — px_parse_html (and the page-merge pass it runs) on arbitrary bytes. */
#include "parse.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct px_doc doc;
    struct px_diag dg;
    px_diag_init(&dg);
    px_doc_init(&doc, "fuzz.html", PX_FMT_HTML, data, size);
    if (px_parse_html(&doc, &dg) == 0)
        px_tables_merge_pages(&doc); /* a second pass must be harmless */
    px_doc_release(&doc);
    px_diag_release(&dg);
    return 0;
}

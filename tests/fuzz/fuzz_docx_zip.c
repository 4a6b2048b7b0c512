/*
 * fuzz_docx_zip — the whole DOCX parser on arbitrary bytes: the zip
 * container (limits, damaged archives, encrypted entries) and what follows.
 */
#include "../../parsers/parse.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct px_doc doc;
    struct px_diag dg;
    px_diag_init(&dg);
    px_doc_init(&doc, "fuzz.docx", PX_FMT_DOCX, data, size);
    px_parse_docx(&doc, &dg);
    px_doc_release(&doc);
    px_diag_release(&dg);
    return 0;
}

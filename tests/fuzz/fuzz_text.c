/*
 * fuzz_text — the text parser, the page-split table merge and the block
 * dump on arbitrary bytes. The leading byte chooses options: bit 0 sends
 * the input through px_parse (format sniffing) instead of px_parse_text,
 * bit 1 skips the dump. The rest is the file.
 */
#define _POSIX_C_SOURCE 200809L
#include "../../parsers/parse.h"
#include "../../pipeline/dump.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned opts = size > 0 ? data[0] : 0;
    const uint8_t *text = size > 0 ? data + 1 : data;
    size_t len = size > 0 ? size - 1 : 0;
    struct px_doc doc;
    struct px_diag dg;
    px_diag_init(&dg);
    px_doc_init(&doc, "fuzz.txt", (opts & 1) ? PX_FMT_UNKNOWN : PX_FMT_TEXT, text, len);
    int rc = (opts & 1) ? px_parse(&doc, &dg) : px_parse_text(&doc, &dg);
    if (rc == 0) {
        px_tables_merge_pages(&doc); /* a second run must find nothing left to merge */
        if (!(opts & 2)) {
            char *out = NULL;
            size_t n = 0;
            FILE *f = open_memstream(&out, &n);
            if (f) {
                px_dump_blocks(f, &doc);
                fclose(f);
            }
            free(out);
        }
    }
    px_doc_release(&doc);
    px_diag_release(&dg);
    return 0;
}

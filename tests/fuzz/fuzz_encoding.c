/*
 * fuzz_encoding — px_to_utf8 on arbitrary bytes.
 *
 * The first byte picks a declared charset (none, windows-1258, UTF-8, an
 * unknown name, TCVN3). The result must be valid UTF-8 with no diagnostics
 * at error level, or -1 with exactly one error.
 */
#include "encoding.h"

#include <stdint.h>
#include <stdlib.h>

static const char *const declared[] = {NULL, "windows-1258", "utf-8", "x-no-such", "TCVN3"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct px_diag dg;
    px_diag_init(&dg);
    struct px_buf out = PX_BUF_INIT;
    enum px_encoding enc;
    const char *cs = declared[data[0] % (sizeof declared / sizeof *declared)];
    int rc = px_to_utf8("fuzz", data + 1, size - 1, cs, &out, &enc, &dg);
    if (rc == 0) {
        if (px_utf8_validate((const unsigned char *)out.ptr, out.len, NULL) != 0 ||
            px_diag_count(&dg, PX_ERROR) != 0)
            abort();
    } else if (px_diag_count(&dg, PX_ERROR) != 1) {
        abort();
    }
    px_buf_release(&out);
    px_diag_release(&dg);
    return 0;
}

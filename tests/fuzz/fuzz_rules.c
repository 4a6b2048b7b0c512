/*
 * fuzz_rules — the rule-file loader and self-test on arbitrary bytes.
 * The input is one rule file; whatever loads is matched against its own
 * examples, so compiled patterns meet the matcher and its limits too.
 */
#define _POSIX_C_SOURCE 200809L
#include "normalize.h"
#include "rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/px_fuzz_rules_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    ssize_t w = write(fd, data, size);
    close(fd);
    if (w == (ssize_t)size) {
        struct px_diag dg;
        struct px_ruleset rs;
        px_diag_init(&dg);
        px_ruleset_init(&rs);
        px_rules_load_file(&rs, path, &dg);
        struct px_normalizer *nz = px_normalizer_new(&dg);
        if (nz)
            px_rules_selftest(&rs, nz, &dg);
        px_normalizer_free(nz);
        px_ruleset_release(&rs);
        px_diag_release(&dg);
    }
    unlink(path);
    return 0;
}

/*
 * harness — a tiny unit-test harness (in the spirit of cmark's harness.h).
 *
 *   TEST(name) { CHECK(cond); CHECK_STR(a, b); CHECK_INT(a, b); }
 *   int main(void) { RUN(name); ...; return DONE(); }
 *
 * DONE() prints "N passed, N failed" and returns non-zero when anything failed.
 */
#ifndef PX_HARNESS_H
#define PX_HARNESS_H

#include <stdio.h>
#include <string.h>

static int px_t_passed, px_t_failed, px_t_cur_failed;

#define TEST(name) static void name(void)
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            px_t_cur_failed++;                                                                     \
        }                                                                                          \
    } while (0)
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *px_a = (a), *px_b = (b);                                                       \
        if (!px_a || !px_b || strcmp(px_a, px_b) != 0) {                                           \
            fprintf(stderr, "%s:%d: %s\n  got:  \"%s\"\n  want: \"%s\"\n", __FILE__, __LINE__, #a, \
                    px_a ? px_a : "(null)", px_b ? px_b : "(null)");                               \
            px_t_cur_failed++;                                                                     \
        }                                                                                          \
    } while (0)
#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long px_a = (long long)(a), px_b = (long long)(b);                                    \
        if (px_a != px_b) {                                                                        \
            fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n", __FILE__, __LINE__, #a, px_a,      \
                    px_b);                                                                         \
            px_t_cur_failed++;                                                                     \
        }                                                                                          \
    } while (0)
#define RUN(name)                                                                                  \
    do {                                                                                           \
        px_t_cur_failed = 0;                                                                       \
        name();                                                                                    \
        if (px_t_cur_failed) {                                                                     \
            px_t_failed++;                                                                         \
            fprintf(stderr, "FAIL %s\n", #name);                                                   \
        } else {                                                                                   \
            px_t_passed++;                                                                         \
        }                                                                                          \
    } while (0)
#define DONE() (printf("%d passed, %d failed\n", px_t_passed, px_t_failed), px_t_failed != 0)

#endif

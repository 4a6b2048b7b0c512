/* unit_rules — the rule-file loader, matcher and self-test. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include "normalize.h"
#include "rules.h"

#include <stdlib.h>
#include <unistd.h>

/* Write text to a fresh temporary file; returns its heap path. */
static char *
temp_rules(const char *text)
{
    char tmpl[] = "/tmp/px_unit_rules_XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return NULL;
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len) {
        close(fd);
        return NULL;
    }
    close(fd);
    return px_xstrdup(tmpl);
}

/* Load text as a rule file into rs; returns the loader's result. */
static int
load(struct px_ruleset *rs, struct px_diag *dg, const char *text)
{
    char *path = temp_rules(text);
    if (!path)
        return -2;
    int rc = px_rules_load_file(rs, path, dg);
    unlink(path);
    free(path);
    return rc;
}

static const char good[] = "# comment\n"
                           "@target.online\n"
                           "field: target\n"
                           "metric: online_conference_share\n"
                           "pattern: trực tuyến.{0,40}?(?<cmp>tối thiểu|≥)\\s*(?<value>\\d+)\\s*%\n"
                           "pattern: (?<value>\\d+)% hội nghị trực tuyến\n"
                           "example: hội nghị trực tuyến ≥ 60%\n"
                           "example: 60% hội nghị trực tuyến\n"
                           "counter: hội nghị trực tiếp ≤ 40%\n"
                           "alias: một\n"
                           "alias: hai\n"
                           "\n"
                           "@other.rule\n"
                           "flags: i\n"
                           "pattern: abc\n"
                           "example: ABC\n";

TEST(load_and_lookup)
{
    struct px_ruleset rs;
    struct px_diag dg;
    px_ruleset_init(&rs);
    px_diag_init(&dg);
    CHECK_INT(load(&rs, &dg, good), 0);
    CHECK_INT(rs.n, 2);
    const struct px_rule *r = px_rules_find(&rs, "target.online");
    CHECK(r != NULL);
    if (r) {
        CHECK_INT(r->nre, 2);
        CHECK_INT(r->line, 2);
        CHECK_STR(px_rule_get(r, "metric"), "online_conference_share");
        CHECK(px_rule_get(r, "missing") == NULL);
        CHECK(px_rule_in(r, "target."));
        CHECK(!px_rule_in(r, "deadline."));
        size_t i = 0;
        CHECK_STR(px_rule_next(r, "alias", &i), "một");
        CHECK_STR(px_rule_next(r, "alias", &i), "hai");
        CHECK(px_rule_next(r, "alias", &i) == NULL);
    }
    CHECK(px_rules_find(&rs, "nope") == NULL);
    px_ruleset_release(&rs);
    px_diag_release(&dg);
}

TEST(match_and_groups)
{
    struct px_ruleset rs;
    struct px_diag dg;
    px_ruleset_init(&rs);
    px_diag_init(&dg);
    CHECK_INT(load(&rs, &dg, good), 0);
    const struct px_rule *r = px_rules_find(&rs, "target.online");
    const char *s = "x 75% hội nghị trực tuyến; hội nghị trực tuyến tối thiểu 60%";
    struct px_match m;
    struct px_str v;
    CHECK_INT(px_rule_match(&rs, r, s, strlen(s), 0, &m), 1);
    /* leftmost over both patterns: the second pattern matches first */
    CHECK_INT(m.which, 1);
    CHECK_INT(m.start, 2);
    CHECK(px_match_group(r, &m, s, "value", &v));
    CHECK(v.len == 2 && memcmp(v.p, "75", 2) == 0);
    CHECK(!px_match_group(r, &m, s, "cmp", &v));
    CHECK(!px_match_group(r, &m, s, "nosuch", &v));
    CHECK_INT(px_rule_match(&rs, r, s, strlen(s), m.end, &m), 1);
    CHECK_INT(m.which, 0);
    CHECK(px_match_group(r, &m, s, "cmp", &v));
    CHECK(v.len == strlen("tối thiểu") && memcmp(v.p, "tối thiểu", v.len) == 0);
    CHECK_INT(px_rule_match(&rs, r, s, strlen(s), m.end, &m), 0);
    px_ruleset_release(&rs);
    px_diag_release(&dg);
}

TEST(bad_pattern_has_position)
{
    struct px_ruleset rs;
    struct px_diag dg;
    px_ruleset_init(&rs);
    px_diag_init(&dg);
    CHECK_INT(load(&rs, &dg, "@a\npattern: ok\n\n@b\npattern: ab(c\n"), -1);
    const struct px_diag_item *it = px_diag_first(&dg, PX_ERROR);
    CHECK(it != NULL);
    if (it) {
        CHECK_INT(it->line, 5);
        /* "pattern: " is 9 bytes, the value starts at column 10; the error is at its end */
        CHECK_INT(it->col, 14);
        CHECK(strstr(it->msg, "ab(c") != NULL);
    }
    px_ruleset_release(&rs);
    px_diag_release(&dg);
}

TEST(bad_lines)
{
    const char *bad[] = {
        "pattern: x\n",               /* outside a rule */
        "@a\nno colon here\n",        /* not key: value */
        "@a\n@a\n",                   /* duplicate id */
        "@a\nflags: q\npattern: x\n", /* unknown flag */
        "@a\nexample: \xff\n",        /* invalid UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct px_ruleset rs;
        struct px_diag dg;
        px_ruleset_init(&rs);
        px_diag_init(&dg);
        CHECK_INT(load(&rs, &dg, bad[i]), -1);
        CHECK(px_diag_count(&dg, PX_ERROR) >= 1);
        px_ruleset_release(&rs);
        px_diag_release(&dg);
    }
}

TEST(selftest_counts_failures)
{
    struct px_ruleset rs;
    struct px_diag dg;
    px_ruleset_init(&rs);
    px_diag_init(&dg);
    struct px_normalizer *nz = px_normalizer_new(&dg);
    CHECK_INT(load(&rs, &dg, good), 0);
    CHECK_INT(px_rules_selftest(&rs, nz, &dg), 0);
    CHECK_INT(load(&rs, &dg,
                   "@broken\npattern: \\d+ ngày\nexample: 3 ngày\nexample: ba ngày\n"
                   "counter: 5 ngày\n"),
              0);
    CHECK_INT(px_rules_selftest(&rs, nz, &dg), 2);
    CHECK_INT(px_diag_count(&dg, PX_ERROR), 2);
    px_normalizer_free(nz);
    px_ruleset_release(&rs);
    px_diag_release(&dg);
}

TEST(shipped_rules_pass)
{
    struct px_ruleset rs;
    struct px_diag dg;
    px_ruleset_init(&rs);
    px_diag_init(&dg);
    dg.echo = stderr;
    struct px_normalizer *nz = px_normalizer_new(&dg);
    /* The whole directory must load; the examples checked here are this
     * module's files (each rule file's owner tests its own, and `planex
     * rules` checks them all). */
    CHECK_INT(px_rules_load_dir(&rs, PX_SOURCE_DIR "/rules", &dg), 0);
    px_ruleset_release(&rs);
    px_ruleset_init(&rs);
    CHECK_INT(px_rules_load_file(&rs, PX_SOURCE_DIR "/rules/targets.rules", &dg), 0);
    CHECK_INT(px_rules_load_file(&rs, PX_SOURCE_DIR "/rules/deadlines.rules", &dg), 0);
    CHECK(rs.n > 40);
    CHECK_INT(px_rules_selftest(&rs, nz, &dg), 0);
    px_normalizer_free(nz);
    px_ruleset_release(&rs);
    px_diag_release(&dg);
}

int
main(void)
{
    RUN(load_and_lookup);
    RUN(match_and_groups);
    RUN(bad_pattern_has_position);
    RUN(bad_lines);
    RUN(selftest_counts_failures);
    RUN(shipped_rules_pass);
    return DONE();
}

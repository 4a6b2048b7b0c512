/*
 * naive — the reference pass planex is measured against: "just regex the text".
 *
 * Bench tool; links planex_lib only to load the project's own rule files
 * (so both sides run the very same JIT-compiled patterns). Usage:
 *
 *     naive RULES_DIR DB FILE...     (FILE "-": read file names from stdin, one a line)
 *
 * For each file: read it, run ICU's NFC quick check over the whole text,
 * then run every pattern of every rule over every line, finding every match
 * (PCRE2 checks UTF-8 on each call, as a naive caller would leave it), and
 * insert one SQLite row per match through one prepared statement, all in one
 * transaction. No parsing, no tables, no normalisation, no extraction logic.
 * Prints one JSON object: files, bytes, matches, seconds.
 */
#define _POSIX_C_SOURCE 200809L

#include "buf.h"
#include "diag.h"
#include "rules.h"

#include <sqlite3.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct naive {
    struct px_ruleset rs;
    pcre2_match_data *md;
    sqlite3 *db;
    sqlite3_stmt *ins;
    const UNormalizer2 *nfc;
    UChar *u16;
    int32_t u16_cap;
    size_t files, bytes, matches, not_nfc;
};

static double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The quick check works on UTF-16: convert, then ask ICU whether NFC is certain. */
static void
nfc_check(struct naive *nv, const char *s, size_t len)
{
    UErrorCode err = U_ZERO_ERROR;
    int32_t need = 0;
    u_strFromUTF8(nv->u16, nv->u16_cap, &need, s, (int32_t)len, &err);
    if (err == U_BUFFER_OVERFLOW_ERROR) {
        nv->u16_cap = need + 1;
        nv->u16 = px_xrealloc(nv->u16, (size_t)nv->u16_cap * sizeof *nv->u16);
        err = U_ZERO_ERROR;
        u_strFromUTF8(nv->u16, nv->u16_cap, &need, s, (int32_t)len, &err);
    }
    if (U_FAILURE(err))
        return;
    if (unorm2_quickCheck(nv->nfc, nv->u16, need, &err) != UNORM_YES)
        nv->not_nfc++;
}

static int
insert(struct naive *nv, const char *file, const char *rule, size_t line, size_t a, size_t z)
{
    sqlite3_stmt *s = nv->ins;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, rule, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)line);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)a);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)z);
    nv->matches++;
    return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

/* Every match of one pattern in one line. */
static int
match_all(struct naive *nv, const char *file, const struct px_rule *r, pcre2_code *re,
          const char *s, size_t len, size_t line)
{
    PCRE2_SIZE at = 0;
    while (at <= len) {
        int rc = pcre2_match(re, (PCRE2_SPTR)s, len, at, 0, nv->md, nv->rs.mctx);
        if (rc < 0)
            return rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_MATCHLIMIT ? 0 : rc;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(nv->md);
        if (insert(nv, file, r->id, line, ov[0], ov[1]) < 0)
            return -1;
        at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
            at++; /* an empty match must not restart inside a character */
    }
    return 0;
}

static int
run_line(struct naive *nv, const char *file, const char *s, size_t len, size_t line)
{
    for (size_t i = 0; i < nv->rs.n; i++) {
        const struct px_rule *r = &nv->rs.rules[i];
        for (size_t k = 0; k < r->nre; k++)
            if (match_all(nv, file, r, r->re[k], s, len, line) < 0)
                return -1;
    }
    return 0;
}

static int
run_file(struct naive *nv, const char *path)
{
    struct px_buf b = PX_BUF_INIT;
    if (px_read_file(path, &b) < 0) {
        fprintf(stderr, "naive: cannot read '%s'\n", path);
        return -1;
    }
    nv->files++;
    nv->bytes += b.len;
    nfc_check(nv, b.ptr, b.len);
    int rc = 0;
    size_t line = 1;
    for (const char *p = b.ptr, *end = b.ptr + b.len; p < end && rc == 0; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        rc = run_line(nv, path, p, n, line);
        p += n + 1;
    }
    px_buf_release(&b);
    return rc;
}

static int
run_stdin(struct naive *nv)
{
    char line[4096];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            rc = run_file(nv, line);
    }
    return rc;
}

static int
open_db(struct naive *nv, const char *path)
{
    if (sqlite3_open(path, &nv->db) != SQLITE_OK ||
        sqlite3_exec(nv->db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                     "CREATE TABLE IF NOT EXISTS matches(file TEXT, rule TEXT, line INTEGER,"
                     " start INTEGER, end INTEGER); BEGIN",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(nv->db, "INSERT INTO matches VALUES(?1, ?2, ?3, ?4, ?5)", -1, &nv->ins,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "naive: database '%s': %s\n", path, sqlite3_errmsg(nv->db));
        return -1;
    }
    return 0;
}

static int
setup(struct naive *nv, const char *rules, const char *db)
{
    struct px_diag dg;
    px_diag_init(&dg);
    px_ruleset_init(&nv->rs);
    int rc = px_rules_load_dir(&nv->rs, rules, &dg);
    if (rc < 0)
        px_diag_print(stderr, &dg, PX_WARNING);
    px_diag_release(&dg);
    UErrorCode err = U_ZERO_ERROR;
    nv->nfc = unorm2_getNFCInstance(&err);
    nv->md = pcre2_match_data_create(64, NULL);
    if (rc < 0 || U_FAILURE(err))
        return -1;
    return open_db(nv, db);
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: naive RULES_DIR DB FILE...\n", stderr);
        return 2;
    }
    struct naive nv = {0};
    int rc = setup(&nv, argv[1], argv[2]);
    double t0 = now();
    if (rc == 0 && argc == 4 && !strcmp(argv[3], "-"))
        rc = run_stdin(&nv);
    else
        for (int i = 3; rc == 0 && i < argc; i++)
            rc = run_file(&nv, argv[i]);
    if (rc == 0 && sqlite3_exec(nv.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = -1;
    double secs = now() - t0;
    if (rc == 0)
        printf("{\"files\": %zu, \"bytes\": %zu, \"matches\": %zu, \"not_nfc\": %zu,"
               " \"seconds\": %.4f}\n",
               nv.files, nv.bytes, nv.matches, nv.not_nfc, secs);
    sqlite3_finalize(nv.ins);
    sqlite3_close(nv.db);
    pcre2_match_data_free(nv.md);
    px_ruleset_release(&nv.rs);
    free(nv.u16);
    return rc == 0 ? 0 : 1;
}

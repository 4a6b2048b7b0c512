/*
 * gen_corpus — the benchmark corpus: N plans made by varying the bundled corpora.
 *
 * Standalone tool of bench/ (libzip only, nothing from the project). Usage:
 *
 *     gen_corpus SOURCE_DIR OUT_DIR N [SEED]
 *
 * Writes OUT_DIR/{text,html,docx}/plan-NNNNN.{txt,html,docx}: half text, a
 * quarter HTML, a quarter DOCX (about 30 KB a plan, so 10,000 plans are
 * about 300 MB). Each plan is one of the bundled plans of that format with,
 * drawn from a fixed-seed generator so two runs write the same bytes:
 *   - every province name replaced by one of the 34 provinces;
 *   - a few department names permuted;
 *   - every percentage figure redrawn, and the document number made unique;
 *   - (text) some pairs of adjacent numbered table rows swapped.
 * DOCX plans are the bundled files with word/document.xml rewritten and
 * every other part copied as it is. OUT_DIR/manifest.tsv lists each plan
 * with the bundled plan it was made from.
 */
#define _GNU_SOURCE /* memmem */

#include <zip.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough for the 34 current provinces of rules/provinces.tsv. */
#define MAX_PROVINCES 128
#define MAX_BASES 16

static const char *const source_provinces[] = {"Nghệ An", "Thanh Hóa", "Thanh Hoá", "Quảng Ngãi"};
#define NSRC_PROV (sizeof source_provinces / sizeof source_provinces[0])
static const char *const agencies[] = {"Sở Tư pháp", "Sở Tài chính", "Sở Y tế", "Sở Xây dựng",
                                       "Sở Công Thương"};
#define NAGENCIES (sizeof agencies / sizeof agencies[0])

struct out {
    char *p;
    size_t len, cap;
};

struct base {
    char *path;
    char *data; /* text and HTML: the file; DOCX: word/document.xml */
    size_t len;
};

struct gen {
    uint64_t rng;
    char *provinces[MAX_PROVINCES];
    size_t nprov;
    struct base bases[3][MAX_BASES];
    size_t nbases[3];
};

enum kind { K_TEXT, K_HTML, K_DOCX };
static const char *const kind_dir[] = {"text", "html", "docx"};
static const char *const kind_ext[] = {"txt", "html", "docx"};

static void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fputs("gen_corpus: out of memory\n", stderr);
        abort();
    }
    return q;
}

static char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

/* xorshift64*: small, fast and the same everywhere, which is all a fixed seed needs. */
static uint64_t
next(struct gen *g)
{
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 2685821657736338717ULL;
}

static unsigned
pick(struct gen *g, unsigned n)
{
    return (unsigned)(next(g) >> 33) % n;
}

static void
put(struct out *o, const void *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        o->cap = (o->len + n + 1) * 2;
        o->p = xrealloc(o->p, o->cap);
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void
puts_out(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static int
read_all(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct out o = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        put(&o, chunk, n);
    int bad = ferror(f);
    fclose(f);
    *data = o.p ? o.p : xstrdup("");
    *len = o.len;
    return bad ? -1 : 0;
}

static int
load_provinces(struct gen *g, const char *src)
{
    char path[4096], *data;
    size_t len;
    snprintf(path, sizeof path, "%s/rules/provinces.tsv", src);
    if (read_all(path, &data, &len) < 0)
        return -1;
    for (char *line = data, *nl; *line && g->nprov < MAX_PROVINCES; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            nl = line + strlen(line);
        char *tab = memchr(line, '\t', (size_t)(nl - line));
        if (line[0] != '#' && tab && memmem(line, (size_t)(nl - line), "\tformer", 7) == NULL) {
            *tab = '\0';
            g->provinces[g->nprov++] = xstrdup(line);
        }
        if (!*nl)
            break;
    }
    free(data);
    return g->nprov ? 0 : -1;
}

static int
read_docx_xml(const char *path, char **data, size_t *len)
{
    int err;
    zip_t *z = zip_open(path, ZIP_RDONLY, &err);
    if (!z)
        return -1;
    zip_stat_t sb;
    zip_file_t *f = NULL;
    int rc = -1;
    if (zip_stat(z, "word/document.xml", 0, &sb) == 0 &&
        (f = zip_fopen(z, "word/document.xml", 0))) {
        *data = xrealloc(NULL, sb.size + 1);
        rc = zip_fread(f, *data, sb.size) == (zip_int64_t)sb.size ? 0 : -1;
        (*data)[sb.size] = '\0';
        *len = sb.size;
        zip_fclose(f);
    }
    zip_discard(z);
    return rc;
}

static int
load_bases(struct gen *g, const char *src)
{
    static const char *const lists[3][MAX_BASES] = {
        {"nghe-an-vpubnd_kh-662-2026_ct15.txt", "nghe-an_kh-333-2026_qd534.txt",
         "nghe-an_qd-3667-2024_cchc2025.txt", "quang-ngai_qd-2026_qd534.txt",
         "thanh-hoa_kh-2026_qd534.txt"},
        {"nghe-an-vpubnd_kh-662-2026_ct15.html", "nghe-an_kh-333-2026_qd534.html",
         "quang-ngai_qd-2026_qd534.html", "thanh-hoa_kh-2026_qd534.html"},
        {"nghe-an-vpubnd_kh-662-2026_ct15.docx", "nghe-an_kh-333-2026_qd534.docx",
         "nghe-an_qd-3667-2024_cchc2025.docx", "thanh-hoa_kh-2026_qd534.docx"},
    };
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < MAX_BASES && lists[k][i]; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/corpora/%s/%s", src, kind_dir[k], lists[k][i]);
            struct base *b = &g->bases[k][g->nbases[k]++];
            b->path = xstrdup(path);
            int rc = k == K_DOCX ? read_docx_xml(path, &b->data, &b->len)
                                 : read_all(path, &b->data, &b->len);
            if (rc < 0) {
                fprintf(stderr, "gen_corpus: cannot read '%s'\n", path);
                return -1;
            }
        }
    return 0;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A figure: a digit run not glued to another number, followed by "%" or " %". */
static size_t
percent_at(const char *s, size_t i, size_t len)
{
    if (i > 0 && (is_digit(s[i - 1]) || s[i - 1] == ',' || s[i - 1] == '.' || s[i - 1] == '/'))
        return 0;
    size_t j = i;
    while (j < len && is_digit(s[j]))
        j++;
    if (j == i || j - i > 3)
        return 0;
    size_t k = j < len && s[j] == ' ' ? j + 1 : j;
    return k < len && s[k] == '%' ? j - i : 0;
}

/* A document number: digits right before "/KH-", "/QĐ-" or "/CT-". */
static size_t
docnum_at(const char *s, size_t i, size_t len)
{
    if (i > 0 && is_digit(s[i - 1]))
        return 0;
    size_t j = i;
    while (j < len && is_digit(s[j]))
        j++;
    if (j == i || j + 4 > len || s[j] != '/')
        return 0;
    const char *t = s + j + 1;
    size_t rest = len - j - 1;
    if ((rest >= 3 && !memcmp(t, "KH-", 3)) || (rest >= 3 && !memcmp(t, "CT-", 3)) ||
        (rest >= 5 && !memcmp(t, "QĐ-", 5)))
        return j - i;
    return 0;
}

/* Replace names and figures in one pass (so a replacement is never replaced again). */
static void
vary(struct gen *g, const char *s, size_t len, unsigned seq, struct out *o)
{
    const char *prov = g->provinces[pick(g, (unsigned)g->nprov)];
    unsigned perm[NAGENCIES];
    for (unsigned i = 0; i < NAGENCIES; i++)
        perm[i] = i;
    for (unsigned i = NAGENCIES - 1; i > 0; i--) {
        unsigned j = pick(g, i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    size_t i = 0, lit = 0;
    while (i < len) {
        const char *rep = NULL;
        char num[16];
        size_t n = 0;
        for (size_t p = 0; p < NSRC_PROV && !rep; p++)
            if (s[i] == source_provinces[p][0] &&
                !strncmp(s + i, source_provinces[p], n = strlen(source_provinces[p])))
                rep = prov;
        for (size_t a = 0; a < NAGENCIES && !rep; a++)
            if (s[i] == 'S' && !strncmp(s + i, agencies[a], n = strlen(agencies[a])))
                rep = agencies[perm[a]];
        if (!rep && is_digit(s[i]) && (n = percent_at(s, i, len)) > 0) {
            snprintf(num, sizeof num, "%u", 5 + pick(g, 96));
            rep = num;
        } else if (!rep && is_digit(s[i]) && (n = docnum_at(s, i, len)) > 0) {
            snprintf(num, sizeof num, "%u", 100 + seq);
            rep = num;
        }
        if (!rep) {
            i++;
            continue;
        }
        put(o, s + lit, i - lit);
        puts_out(o, rep);
        i += n;
        lit = i;
    }
    put(o, s + lit, len - lit);
}

static int
numbered_row(const char *line, size_t n)
{
    return n > 3 && line[0] == '|' && line[1] == ' ' && is_digit(line[2]);
}

/* Text tables: swap about one pair in eight of adjacent numbered rows. */
static void
swap_rows(struct gen *g, struct out *o)
{
    char *prev = NULL;
    size_t prev_len = 0;
    for (char *line = o->p; line < o->p + o->len;) {
        char *nl = memchr(line, '\n', (size_t)(o->p + o->len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(o->p + o->len - line);
        if (prev && prev_len == n && numbered_row(prev, prev_len) && numbered_row(line, n) &&
            pick(g, 8) == 0) {
            /* Equal lengths keep every offset after the pair where it was. */
            char *tmp = xrealloc(NULL, n);
            memcpy(tmp, prev, n);
            memcpy(prev, line, n);
            memcpy(line, tmp, n);
            free(tmp);
            prev = NULL;
        } else {
            prev = line;
            prev_len = n;
        }
        line += n + 1;
    }
}

static int
write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}

/* Copy every part of the base DOCX but word/document.xml, which gets the new bytes. */
static int
write_docx(const char *base, const char *path, struct out *xml)
{
    int err;
    zip_t *in = zip_open(base, ZIP_RDONLY, &err);
    zip_t *out = in ? zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err) : NULL;
    if (!out) {
        if (in)
            zip_discard(in);
        return -1;
    }
    zip_int64_t n = zip_get_num_entries(in, 0);
    int rc = 0;
    for (zip_int64_t i = 0; i < n && rc == 0; i++) {
        const char *name = zip_get_name(in, (zip_uint64_t)i, 0);
        zip_source_t *s = strcmp(name, "word/document.xml")
                              ? zip_source_zip(out, in, (zip_uint64_t)i, 0, 0, -1)
                              : zip_source_buffer(out, xml->p, xml->len, 0);
        if (!s || zip_file_add(out, name, s, ZIP_FL_ENC_UTF_8) < 0) {
            zip_source_free(s);
            rc = -1;
        }
    }
    if (rc < 0 || zip_close(out) < 0) {
        zip_discard(out);
        rc = -1;
    }
    zip_discard(in);
    return rc;
}

static enum kind
kind_of(unsigned i)
{
    unsigned r = i % 4; /* half text, a quarter each HTML and DOCX */
    return r < 2 ? K_TEXT : r == 2 ? K_HTML : K_DOCX;
}

/* The manifest line of a plan: its path under OUT_DIR and the bundled plan it was made from
 * (the base name without extension), so a comparison can pick plans made from the same plan
 * in two formats. */
static void
manifest_line(FILE *mf, const char *rel, const char *base_path)
{
    const char *name = strrchr(base_path, '/');
    name = name ? name + 1 : base_path;
    const char *dot = strrchr(name, '.');
    fprintf(mf, "%s\t%.*s\n", rel, (int)(dot ? dot - name : (long)strlen(name)), name);
}

static int
make_plan(struct gen *g, const char *outdir, unsigned i, struct out *o, size_t *bytes, FILE *mf)
{
    enum kind k = kind_of(i);
    const struct base *b = &g->bases[k][pick(g, (unsigned)g->nbases[k])];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/plan-%05u.%s", outdir, kind_dir[k], i + 1, kind_ext[k]);
    manifest_line(mf, path + strlen(outdir) + 1, b->path);
    o->len = 0;
    vary(g, b->data, b->len, i + 1, o);
    if (k == K_TEXT)
        swap_rows(g, o);
    int rc = k == K_DOCX ? write_docx(b->path, path, o) : write_file(path, o->p, o->len);
    if (rc < 0)
        fprintf(stderr, "gen_corpus: cannot write '%s'\n", path);
    *bytes += o->len;
    return rc;
}

static void
gen_release(struct gen *g)
{
    for (size_t i = 0; i < g->nprov; i++)
        free(g->provinces[i]);
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < g->nbases[k]; i++) {
            free(g->bases[k][i].path);
            free(g->bases[k][i].data);
        }
}

int
main(int argc, char **argv)
{
    if (argc < 4) {
        fputs("usage: gen_corpus SOURCE_DIR OUT_DIR N [SEED]\n", stderr);
        return 2;
    }
    struct gen g = {0};
    unsigned n = (unsigned)strtoul(argv[3], NULL, 10);
    g.rng = argc > 4 ? strtoull(argv[4], NULL, 10) : 534;
    g.rng = g.rng * 0x9E3779B97F4A7C15ULL + 1; /* never zero */
    int rc = 0;
    if (load_provinces(&g, argv[1]) < 0 || load_bases(&g, argv[1]) < 0) {
        fprintf(stderr, "gen_corpus: cannot load the bundled corpora from '%s'\n", argv[1]);
        rc = 1;
    }
    struct out o = {0};
    size_t bytes = 0;
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/manifest.tsv", argv[2]);
    FILE *mf = rc == 0 ? fopen(mpath, "w") : NULL;
    if (rc == 0 && !mf) {
        fprintf(stderr, "gen_corpus: cannot write '%s'\n", mpath);
        rc = 1;
    }
    for (unsigned i = 0; rc == 0 && i < n; i++)
        if (make_plan(&g, argv[2], i, &o, &bytes, mf) < 0)
            rc = 1;
    if (mf && fclose(mf) != 0)
        rc = 1;
    if (rc == 0)
        fprintf(stderr, "gen_corpus: %u plans, %.1f MB of text before zipping\n", n,
                (double)bytes / 1e6);
    free(o.p);
    gen_release(&g);
    return rc;
}

/*
 * unit_target — target phrasings one by one, then every corpus text against
 * the targets of its gold file (tests/gold/<doc>.jsonl).
 */
#include "harness.h"

#include "normalize.h"
#include "rules.h"
#include "target.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

static struct px_ruleset rs;
static struct px_target_finder tf;
static struct px_normalizer *nz;
static struct px_diag dg;

static int
setup(void)
{
    px_diag_init(&dg);
    dg.echo = stderr;
    px_ruleset_init(&rs);
    nz = px_normalizer_new(&dg);
    if (px_rules_load_dir(&rs, PX_SOURCE_DIR "/rules", &dg) != 0)
        return -1;
    return px_target_finder_init(&tf, &rs, PX_SOURCE_DIR "/rules/metrics.tsv", &dg);
}

/* Find targets in s; *n hits, arena-owned by a. */
static struct px_target_hit *
find(struct px_arena *a, const char *s, size_t *n)
{
    struct px_target_hit *hits;
    if (px_targets_find(&tf, nz, s, strlen(s), a, &hits, n, &dg) != 0)
        *n = 0;
    return hits;
}

struct want {
    const char *text;
    const char *metric, *cmp;
    double value, value2; /* value2 < 0: none */
    const char *unit;
};

static const struct want phrasings[] = {
    {"giảm tối thiểu 10% số hội nghị", "conference_reduction", ">=", 10, -1, "%"},
    {"Tinh giản 10% số lượng hội nghị hằng năm", "conference_reduction", "=", 10, -1, "%"},
    {"Số lượng hội nghị giảm ít nhất 10% mỗi năm", "conference_reduction", ">=", 10, -1, "%"},
    {"hội nghị trực tuyến ≥ 60%", "online_conference_share", ">=", 60, -1, "%"},
    {"hội nghị trực tuyến  $\\geq 60\\%$ ,", "online_conference_share", ">=", 60, -1, "%"},
    {"hội nghị trực tuyến chiếm không ít hơn 60% tổng số", "online_conference_share", ">=", 60, -1,
     "%"},
    {"tỷ lệ họp trực tuyến đạt tối thiểu 60%", "online_conference_share", ">=", 60, -1, "%"},
    {"tỷ lệ hội nghị trực tuyến đạt từ 60% trở lên", "online_conference_share", ">=", 60, -1, "%"},
    {"họp trực tiếp không quá 40%", "in_person_conference_share", "<=", 40, -1, "%"},
    {"trực tiếp  $\\leq 40\\%$ ;", "in_person_conference_share", "<=", 40, -1, "%"},
    {"hội nghị quán triệt, triển khai không quá 1/2 ngày", "conference_duration_briefing",
     "<=", 0.5, -1, "ngày"},
    {"hội nghị chuyên môn, nghiệp vụ không quá 01 ngày", "conference_duration_professional",
     "<=", 1, -1, "ngày"},
    {"các hội nghị quan trọng cần thảo luận không quá 1,5 ngày", "conference_duration_important",
     "<=", 1.5, -1, "ngày"},
    {"cấp tỉnh mỗi năm không quá 2 hội nghị toàn tỉnh", "provincial_conference_cap", "<=", 2, -1,
     "count"},
    {"kết luận của lãnh đạo không quá 50 phút", "closing_remarks_length", "<=", 50, -1, "phút"},
    {"kiểm tra từ 20% đến 30% số cơ quan, đơn vị", "reform_inspection_share", "range", 20, 30, "%"},
    {"Bảo đảm 100% văn bản trao đổi giữa các cơ quan được thực hiện dưới dạng điện tử",
     "electronic_document_exchange", "=", 100, -1, "%"},
    {"mức độ hài lòng về giải quyết thủ tục hành chính đạt trên 95%",
     "satisfaction_admin_procedures", ">=", 95, -1, "%"},
    {"cắt giám tối thiểu 15% văn bản", "admin_document_reduction", ">=", 15, -1, "%"},
    {"tổ chức 2 cuộc điều tra xã hội học đánh giá mức độ hài lòng", "other:satisfaction-surveys",
     "=", 2, -1, "count"},
};

TEST(each_phrasing)
{
    for (size_t i = 0; i < sizeof phrasings / sizeof *phrasings; i++) {
        const struct want *w = &phrasings[i];
        struct px_arena a;
        px_arena_init(&a);
        size_t n;
        struct px_target_hit *h = find(&a, w->text, &n);
        CHECK_INT(n, 1);
        if (n == 1) {
            CHECK_STR(h->t.metric, w->metric);
            CHECK_STR(h->t.cmp, w->cmp);
            CHECK(fabs(h->t.value - w->value) < 1e-9);
            CHECK_INT(h->t.has_value2, w->value2 >= 0);
            CHECK_STR(h->t.unit, w->unit);
            CHECK(h->end <= strlen(w->text) && h->start < h->end);
            CHECK_STR(h->t.prov.rule + 0, h->t.prov.rule); /* set */
        } else {
            fprintf(stderr, "  in: %s\n", w->text);
        }
        px_arena_release(&a);
    }
}

TEST(no_false_targets)
{
    const char *none[] = {
        "10% số lượng hội nghị, cuộc họp; báo cáo kết quả",
        "Nghị định số 09/2019/NĐ-CP ngày 24/01/2019",
        "hạn chế tối đa việc mở rộng không cần thiết",
        "",
    };
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        struct px_arena a;
        px_arena_init(&a);
        size_t n;
        find(&a, none[i], &n);
        CHECK_INT(n, 0);
        px_arena_release(&a);
    }
}

TEST(spans_and_order)
{
    const char *s = "Phấn đấu: giảm tối thiểu 10% số hội nghị; hội nghị trực tuyến ≥ 60%, "
                    "trực tiếp ≤ 40%.";
    struct px_arena a;
    px_arena_init(&a);
    size_t n;
    struct px_target_hit *h = find(&a, s, &n);
    CHECK_INT(n, 3);
    for (size_t i = 0; i < n; i++) {
        CHECK(h[i].end <= strlen(s));
        CHECK(strncmp(s + h[i].start, h[i].t.raw, h[i].end - h[i].start) == 0);
        if (i > 0)
            CHECK(h[i - 1].start <= h[i].start);
    }
    if (n == 3) {
        CHECK_STR(h[0].t.metric, "conference_reduction");
        CHECK_STR(h[2].t.metric, "in_person_conference_share");
    }
    px_arena_release(&a);
}

/* "Năm 2025, … đạt 99,2%" reports a result; commitments next to it stay. */
TEST(past_results)
{
    const char *past[] = {
        "Năm 2025, tỷ lệ hồ sơ thủ tục hành chính của Sở giải quyết đúng hạn đạt 99,2%; số "
        "lượng văn bản hành chính do Sở ban hành giảm 8% so với năm 2024.",
        "Tỷ lệ hồ sơ giải quyết đúng hạn đã đạt 98%.",
    };
    for (size_t i = 0; i < sizeof past / sizeof *past; i++) {
        struct px_arena a;
        px_arena_init(&a);
        size_t n;
        find(&a, past[i], &n);
        CHECK_INT(n, 0);
        px_arena_release(&a);
    }
    const struct want kept[] = {
        {"Năm 2026, Sở phấn đấu: giảm 10% số lượng hội nghị do Sở chủ trì", "conference_reduction",
         "=", 10, -1, "%"},
        {"Năm 2026, giảm tối thiểu 20% số lượng hội nghị, cuộc họp so với năm 2025",
         "conference_reduction", ">=", 20, -1, "%"},
        {"Năm 2025 đã đạt 95%. Năm 2026, phấn đấu tỷ lệ hồ sơ giải quyết đúng hạn đạt 100%",
         "on_time_dossiers", "=", 100, -1, "%"},
    };
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        struct px_arena a;
        px_arena_init(&a);
        size_t n;
        struct px_target_hit *h = find(&a, kept[i].text, &n);
        CHECK_INT(n, 1);
        if (n == 1) {
            CHECK_STR(h[0].t.metric, kept[i].metric);
            CHECK_STR(h[0].t.cmp, kept[i].cmp);
            CHECK(fabs(h[0].t.value - kept[i].value) < 1e-9);
        }
        px_arena_release(&a);
    }
}

/* With the plan's year known, a sentence led by that year is a commitment,
 * one led by an earlier year a result. */
TEST(past_results_plan_year)
{
    tf.plan_year = 2026;
    struct px_arena a;
    px_arena_init(&a);
    size_t n;
    struct px_target_hit *h =
        find(&a, "Năm 2026, 100% hồ sơ thủ tục hành chính được giải quyết đúng hạn.", &n);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_STR(h[0].t.metric, "on_time_dossiers");
    find(&a, "Năm 2025, tỷ lệ hồ sơ giải quyết đúng hạn đạt 97%.", &n);
    CHECK_INT(n, 0);
    px_arena_release(&a);
    tf.plan_year = 0;
}

/* One phrase naming two kinds of conference commits both (`also:`). */
TEST(one_phrase_two_metrics)
{
    const char *s = "hội nghị chuyên môn, nghiệp vụ và các hội nghị quan trọng cần thảo luận "
                    "không quá 01 ngày; ưu tiên tổ chức hội nghị trực tuyến";
    struct px_arena a;
    px_arena_init(&a);
    size_t n;
    struct px_target_hit *h = find(&a, s, &n);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(h[0].t.metric, "conference_duration_important");
        CHECK_STR(h[1].t.metric, "conference_duration_professional");
        for (size_t i = 0; i < n; i++) {
            CHECK_STR(h[i].t.cmp, "<=");
            CHECK(fabs(h[i].t.value - 1) < 1e-9);
            CHECK_STR(h[i].t.unit, "ngày");
            CHECK_INT(h[i].start, h[0].start);
            CHECK_INT(h[i].end, h[0].end);
        }
    }
    px_arena_release(&a);
    /* without the second phrase, one metric only */
    px_arena_init(&a);
    h = find(&a, "hội nghị chuyên môn, nghiệp vụ không quá 01 ngày", &n);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_STR(h[0].t.metric, "conference_duration_professional");
    px_arena_release(&a);
}

TEST(numbers)
{
    double v;
    CHECK(px_target_parse_number("1/2", 3, &v) == 0 && fabs(v - 0.5) < 1e-9);
    CHECK(px_target_parse_number("1,5", 3, &v) == 0 && fabs(v - 1.5) < 1e-9);
    CHECK(px_target_parse_number("01", 2, &v) == 0 && fabs(v - 1) < 1e-9);
    CHECK(px_target_parse_number("1/0", 3, &v) != 0);
    CHECK(px_target_parse_number("x", 1, &v) != 0);
}

/* ---- corpus against gold ---- */

struct tset {
    struct px_target v[128];
    size_t n;
};

static void
tset_add(struct tset *s, const struct px_target *t)
{
    for (size_t i = 0; i < s->n; i++)
        if (px_target_same(&s->v[i], t))
            return;
    if (s->n < sizeof s->v / sizeof *s->v)
        s->v[s->n++] = *t;
}

static int
tset_has(const struct tset *s, const struct px_target *t)
{
    for (size_t i = 0; i < s->n; i++)
        if (px_target_same(&s->v[i], t))
            return 1;
    return 0;
}

/* Gold targets of one jsonl file; strings point into *keep (caller json_decref). */
static int
gold_targets(const char *path, struct tset *s, json_t **keep)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    *keep = json_array();
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        json_t *o = json_loads(line, 0, NULL);
        if (!o)
            continue;
        json_array_append_new(*keep, o);
        if (strcmp(json_string_value(json_object_get(o, "type")), "target") != 0)
            continue;
        struct px_target t = {0};
        t.metric = json_string_value(json_object_get(o, "metric"));
        t.cmp = json_string_value(json_object_get(o, "cmp"));
        t.unit = json_string_value(json_object_get(o, "unit"));
        t.value = json_number_value(json_object_get(o, "value"));
        json_t *v2 = json_object_get(o, "value2");
        t.has_value2 = v2 && json_is_number(v2);
        t.value2 = t.has_value2 ? json_number_value(v2) : 0;
        tset_add(s, &t);
    }
    fclose(f);
    return 0;
}

static void
print_target(const char *tag, const struct px_target *t)
{
    fprintf(stderr, "    %s %s %s %g", tag, t->metric, t->cmp, t->value);
    if (t->has_value2)
        fprintf(stderr, "..%g", t->value2);
    fprintf(stderr, " %s%s%s\n", t->unit, t->raw ? "  <- " : "", t->raw ? t->raw : "");
}

static void
check_doc(const char *doc)
{
    struct px_buf path = PX_BUF_INIT, text = PX_BUF_INIT, norm = PX_BUF_INIT;
    px_buf_printf(&path, "%s/corpora/text/%s.txt", PX_SOURCE_DIR, doc);
    CHECK(px_read_file(path.ptr, &text) == 0);
    CHECK(px_normalize(nz, text.ptr, text.len, PX_NORM_TEXT, &norm, NULL, &dg) == 0);
    struct px_arena a;
    px_arena_init(&a);
    size_t n = 0;
    struct px_target_hit *hits = NULL;
    CHECK(px_targets_find(&tf, nz, norm.ptr, norm.len, &a, &hits, &n, &dg) == 0);
    static struct tset got, want;
    got.n = want.n = 0;
    for (size_t i = 0; i < n; i++)
        tset_add(&got, &hits[i].t);
    json_t *keep = NULL;
    px_buf_clear(&path);
    px_buf_printf(&path, "%s/tests/gold/%s.jsonl", PX_SOURCE_DIR, doc);
    CHECK(gold_targets(path.ptr, &want, &keep) == 0);
    size_t tp = 0;
    for (size_t i = 0; i < got.n; i++)
        tp += tset_has(&want, &got.v[i]);
    printf("%-40s targets: %zu found, %zu gold, precision %.2f recall %.2f\n", doc, got.n, want.n,
           got.n ? (double)tp / got.n : 1.0, want.n ? (double)tp / want.n : 1.0);
    for (size_t i = 0; i < got.n; i++)
        if (!tset_has(&want, &got.v[i]))
            print_target("extra:", &got.v[i]);
    for (size_t i = 0; i < want.n; i++)
        if (!tset_has(&got, &want.v[i]))
            print_target("missing:", &want.v[i]);
    CHECK_INT(tp, got.n);
    CHECK_INT(tp, want.n);
    json_decref(keep);
    px_arena_release(&a);
    px_buf_release(&path);
    px_buf_release(&text);
    px_buf_release(&norm);
}

TEST(corpus_matches_gold)
{
    DIR *d = opendir(PX_SOURCE_DIR "/tests/gold");
    CHECK(d != NULL);
    if (!d)
        return;
    struct dirent *e;
    int docs = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 6, ".jsonl") != 0)
            continue;
        char doc[256];
        snprintf(doc, sizeof doc, "%.*s", (int)(len - 6), e->d_name);
        check_doc(doc);
        docs++;
    }
    closedir(d);
    CHECK(docs >= 5);
}

int
main(void)
{
    if (setup() != 0) {
        fprintf(stderr, "cannot load the rules\n");
        return 1;
    }
    RUN(numbers);
    RUN(each_phrasing);
    RUN(no_false_targets);
    RUN(spans_and_order);
    RUN(past_results);
    RUN(past_results_plan_year);
    RUN(one_phrase_two_metrics);
    RUN(corpus_matches_gold);
    px_target_finder_release(&tf);
    px_normalizer_free(nz);
    px_ruleset_release(&rs);
    px_diag_release(&dg);
    return DONE();
}

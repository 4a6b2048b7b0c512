/*
 * unit_deadline — deadline phrasings, table-driven from every deadline of
 * the gold files (tests/gold/) (raw + the document's year -> kind/start/end/every),
 * plus deadlines stated in the running text of body agency headings.
 */
#include "harness.h"

#include "deadline.h"
#include "normalize.h"
#include "rules.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>

static struct px_ruleset rs;
static struct px_normalizer *nz;
static struct px_diag dg;
static struct px_arena arena;

static const char *
or_empty(const char *s)
{
    return s ? s : "";
}

/* Compare a parsed deadline with the gold object {raw, kind, start, end, every}. */
static void
check_against(const struct px_deadline *d, json_t *g, const char *where)
{
    const char *kind = json_string_value(json_object_get(g, "kind"));
    const char *start = or_empty(json_string_value(json_object_get(g, "start")));
    const char *end = or_empty(json_string_value(json_object_get(g, "end")));
    const char *every = json_string_value(json_object_get(g, "every"));
    int before = px_t_cur_failed;
    CHECK_STR(px_deadline_kind_name(d->kind), kind);
    CHECK_STR(d->start, start);
    CHECK_STR(d->end, end);
    CHECK_STR(or_empty(d->every), or_empty(every));
    if (px_t_cur_failed != before)
        fprintf(stderr, "  %s: raw '%s' (rule %s)\n", where,
                json_string_value(json_object_get(g, "raw")), or_empty(d->rule));
}

static int
year_of_iso(const char *iso)
{
    return iso && strlen(iso) >= 4 ? atoi(iso) : 0;
}

/*
 * The plan's year: the year most written in the document's deadline cells
 * (a plan for 2025 is often issued late in 2024), else the year of issue.
 */
static int
plan_year(const char *path, int issued_year)
{
    FILE *f = fopen(path, "r");
    int count[300] = {0}, best = issued_year, most = 0;
    char line[65536];
    while (f && fgets(line, sizeof line, f)) {
        json_t *o = json_loads(line, 0, NULL);
        const char *raw = json_string_value(json_object_get(json_object_get(o, "deadline"), "raw"));
        for (const char *p = raw; p && *p; p++) {
            int y = atoi(p);
            if (y >= 1900 && y < 2200 && (p == raw || p[-1] < '0' || p[-1] > '9')) {
                if (++count[y - 1900] > most) {
                    most = count[y - 1900];
                    best = y;
                }
                p += 3;
            }
        }
        json_decref(o);
    }
    if (f)
        fclose(f);
    return best;
}

/* Check every gold deadline of one file; returns how many were checked. */
static int
check_gold_file(const char *path, int *from_text)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[65536];
    int doc_year = 0, n = 0;
    while (fgets(line, sizeof line, f)) {
        json_t *o = json_loads(line, 0, NULL);
        if (!o)
            continue;
        const char *type = json_string_value(json_object_get(o, "type"));
        if (type && strcmp(type, "document") == 0)
            doc_year =
                plan_year(path, year_of_iso(json_string_value(json_object_get(o, "issued"))));
        json_t *g = json_object_get(o, "deadline");
        if (type && strcmp(type, "task") == 0 && json_is_object(g)) {
            struct px_deadline d;
            const char *raw = json_string_value(json_object_get(g, "raw"));
            CHECK(px_deadline_parse(&rs, nz, raw, doc_year, &arena, &d) == 0);
            CHECK(d.present);
            CHECK_STR(d.raw, raw);
            check_against(&d, g, path);
            n++;
            /* A body agency heading (partners null): the deadline is in its text. */
            if (json_is_null(json_object_get(o, "partners"))) {
                const char *text = json_string_value(json_object_get(o, "text"));
                CHECK_INT(
                    px_deadline_find_in_text(&rs, nz, text, strlen(text), doc_year, &arena, &d), 1);
                check_against(&d, g, "in text");
                CHECK(d.raw && strstr(text, d.raw) != NULL);
                (*from_text)++;
            }
        }
        json_decref(o);
    }
    fclose(f);
    return n;
}

TEST(gold_deadlines)
{
    DIR *d = opendir(PX_SOURCE_DIR "/tests/gold");
    CHECK(d != NULL);
    if (!d)
        return;
    int n = 0, from_text = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 6, ".jsonl") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/tests/gold/%s", PX_SOURCE_DIR, e->d_name);
        n += check_gold_file(path, &from_text);
    }
    closedir(d);
    printf("%d gold deadlines checked (%d found in running text)\n", n, from_text);
    CHECK(n > 50);
}

struct dcase {
    const char *raw;
    int year;
    const char *kind, *start, *end, *every;
};

static const struct dcase cases[] = {
    {"Quý IV/2026", 0, "period", "2026-10-01", "2026-12-31", ""},
    {"Năm 2026", 0, "period", "2026-01-01", "2026-12-31", ""},
    {"Tháng 6/2025", 0, "period", "2025-06-01", "2025-06-30", ""},
    {"Tháng 2/2024", 0, "period", "2024-02-01", "2024-02-29", ""},
    {"2026-2027", 0, "period", "2026-01-01", "2027-12-31", ""},
    {"Trong năm", 2025, "period", "2025-01-01", "2025-12-31", ""},
    {"Trong năm", 0, "unknown", "", "", ""},
    {"Đến cuối năm 2026", 0, "period", "", "2026-12-31", ""},
    {"Đến hết Quý II/2027", 0, "period", "", "2027-06-30", ""},
    {"Đến hết tháng 9/2026", 0, "period", "", "2026-09-30", ""},
    {"Từ quý III/2026 đến quý II/2027", 0, "period", "2026-07-01", "2027-06-30", ""},
    {"Từ quý I đến quý III năm 2026", 0, "period", "2026-01-01", "2026-09-30", ""},
    {"6 tháng/lần", 0, "recurring", "", "", "half"},
    {"6 tháng/lần và đột xuất", 0, "recurring", "", "", "half"},
    {"Theo lộ trình của Bộ Giáo dục và Đào tạo", 0, "as_required", "", "", ""},
    {"Hằng năm", 0, "recurring", "", "", "year"},
    {"Hằng tuần", 0, "recurring", "", "", ""},
    {"Hàng tuần", 0, "recurring", "", "", ""},
    {"Định kỳ", 0, "recurring", "", "", ""},
    {"Định kỳ quý, 6 tháng, năm", 0, "recurring", "", "", "quarter"},
    {"Định kỳ 06 tháng", 0, "recurring", "", "", "half"},
    {"Hàng tháng", 0, "recurring", "", "", "month"},
    {"Hàng năm, bắt đầu từ năm 2026", 0, "recurring", "2026-01-01", "", "year"},
    {"Thường xuyên", 0, "continuous", "", "", ""},
    {"Thường xuyên, hằng năm", 0, "continuous", "", "", ""},
    {"Theo yêu cầu", 0, "as_required", "", "", ""},
    {"Khi có yêu cầu", 0, "as_required", "", "", ""},
    {"05/5/2026", 0, "date", "", "2026-05-05", ""},
    {"Trước 30/4/2026", 0, "date", "", "2026-04-30", ""},
    {"Trước 31/3", 2026, "date", "", "2026-03-31", ""},
    {"Chậm nhất ngày 15/10", 2026, "date", "", "2026-10-15", ""},
    {"Trước 15/12 hằng năm", 2026, "recurring", "", "", "year"},
    {"Chậm nhất ngày 10/5/2026", 0, "date", "", "2026-05-10", ""},
    {"31/02/2026", 0, "unknown", "", "", ""},
    {"Trước tháng 01/2026", 0, "date", "", "2025-12-31", ""},
    {"sau khi có kết quả", 0, "unknown", "", "", ""},
    {"", 0, "unknown", "", "", ""},
};

TEST(table_cases)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct dcase *c = &cases[i];
        struct px_deadline d;
        CHECK(px_deadline_parse(&rs, nz, c->raw, c->year, &arena, &d) == 0);
        int before = px_t_cur_failed;
        CHECK_STR(px_deadline_kind_name(d.kind), c->kind);
        CHECK_STR(d.start, c->start);
        CHECK_STR(d.end, c->end);
        CHECK_STR(or_empty(d.every), c->every);
        if (px_t_cur_failed != before)
            fprintf(stderr, "  raw '%s'\n", c->raw);
    }
}

TEST(text_search)
{
    struct px_deadline d;
    const char *none = "Thường xuyên rà soát, định kỳ hằng năm báo cáo theo Nghị định số "
                       "09/2019/NĐ-CP ngày 24/01/2019 và chỉ số CCHC năm 2025.";
    CHECK_INT(px_deadline_find_in_text(&rs, nz, none, strlen(none), 2025, &arena, &d), 0);
    CHECK(!d.present);
    const char *date = "Tổng hợp báo cáo, hoàn thành trước ngày 05/5/2026.";
    CHECK_INT(px_deadline_find_in_text(&rs, nz, date, strlen(date), 2026, &arena, &d), 1);
    CHECK_STR(px_deadline_kind_name(d.kind), "date");
    CHECK_STR(d.end, "2026-05-05");
    CHECK_STR(d.raw, "hoàn thành trước ngày 05/5/2026");
    const char *year = "Trong năm 2026, phấn đấu tỷ lệ xử lý hồ sơ trên môi trường số đạt 80%.";
    CHECK_INT(px_deadline_find_in_text(&rs, nz, year, strlen(year), 2026, &arena, &d), 1);
    CHECK_STR(px_deadline_kind_name(d.kind), "period");
    CHECK_STR(d.start, "2026-01-01");
    CHECK_STR(d.end, "2026-12-31");
    const char *month = "Tổ chức quán triệt đến cán bộ, công chức; hoàn thành trong tháng 6/2026.";
    CHECK_INT(px_deadline_find_in_text(&rs, nz, month, strlen(month), 2026, &arena, &d), 1);
    CHECK_STR(px_deadline_kind_name(d.kind), "period");
    CHECK_STR(d.start, "2026-06-01");
    CHECK_STR(d.end, "2026-06-30");
    CHECK_STR(d.raw, "tháng 6/2026");
}

int
main(void)
{
    px_diag_init(&dg);
    dg.echo = stderr;
    px_ruleset_init(&rs);
    px_arena_init(&arena);
    nz = px_normalizer_new(&dg);
    if (!nz || px_rules_load_dir(&rs, PX_SOURCE_DIR "/rules", &dg) != 0) {
        fprintf(stderr, "cannot load the rules\n");
        return 1;
    }
    RUN(table_cases);
    RUN(text_search);
    RUN(gold_deadlines);
    px_arena_release(&arena);
    px_normalizer_free(nz);
    px_ruleset_release(&rs);
    px_diag_release(&dg);
    return DONE();
}

/* unit_diff — target statuses on hand-built records, task similarity, leads, deadlines. */
#include "harness.h"

#include "diff.h"

static struct px_target
tg(const char *metric, const char *cmp, double v, double v2)
{
    struct px_target t = {0};
    t.metric = metric;
    t.cmp = cmp;
    t.value = v;
    t.has_value2 = v2 > 0;
    t.value2 = v2;
    t.unit = "%";
    return t;
}

TEST(floor_national)
{
    struct px_target n = tg("online", ">=", 60, 0);
    struct px_target eq = tg("online", ">=", 60, 0), bare = tg("online", "=", 60, 0);
    struct px_target hi = tg("online", ">=", 70, 0), lo = tg("online", ">=", 50, 0);
    struct px_target cap = tg("online", "<=", 90, 0);
    CHECK_INT(px_diff_compare(&n, &eq), PX_DIFF_EQUAL);
    CHECK_INT(px_diff_compare(&n, &bare), PX_DIFF_EQUAL);
    CHECK_INT(px_diff_compare(&n, &hi), PX_DIFF_STRONGER);
    CHECK_INT(px_diff_compare(&n, &lo), PX_DIFF_WEAKER);
    CHECK_INT(px_diff_compare(&n, &cap), PX_DIFF_WEAKER);
}

TEST(cap_national)
{
    struct px_target n = tg("days", "<=", 1.5, 0);
    struct px_target lo = tg("days", "<=", 1, 0), hi = tg("days", "<=", 2, 0);
    CHECK_INT(px_diff_compare(&n, &lo), PX_DIFF_STRONGER);
    CHECK_INT(px_diff_compare(&n, &hi), PX_DIFF_WEAKER);
}

TEST(range_counts_by_looser_end)
{
    struct px_target fl = tg("m", ">=", 20, 0), cp = tg("m", "<=", 30, 0);
    struct px_target r = tg("m", "range", 20, 30), r2 = tg("m", "range", 10, 25);
    CHECK_INT(px_diff_compare(&fl, &r), PX_DIFF_EQUAL);
    CHECK_INT(px_diff_compare(&fl, &r2), PX_DIFF_WEAKER);
    CHECK_INT(px_diff_compare(&cp, &r), PX_DIFF_EQUAL);
    CHECK_INT(px_diff_compare(&cp, &r2), PX_DIFF_STRONGER);
}

TEST(strongest_commitment_counts)
{
    struct px_target n = tg("cut", ">=", 10, 0);
    struct px_target plan[] = {tg("cut", "=", 10, 0), tg("other", ">=", 99, 0),
                               tg("cut", ">=", 20, 0), tg("cut", ">=", 5, 0)};
    const struct px_target *s = px_diff_strongest(&n, plan, 4);
    CHECK(s == &plan[2]);
    CHECK(px_diff_strongest(&n, plan + 1, 1) == NULL);
}

TEST(rows_missing_and_local)
{
    struct px_target n1 = tg("cut", ">=", 10, 0), n2 = tg("share", ">=", 60, 0);
    struct px_national nat[] = {{"N1", &n1}, {"N2", &n2}};
    struct px_target plan[] = {tg("cut", ">=", 10, 0), tg("inspect", "range", 20, 30),
                               tg("inspect", ">=", 20, 0)};
    struct px_arena a;
    px_arena_init(&a);
    struct px_target_row *rows;
    size_t n;
    px_diff_targets(nat, 2, plan, 3, &a, &rows, &n);
    CHECK_INT(n, 3);
    CHECK_STR(rows[0].national, "N1");
    CHECK_INT(rows[0].status, PX_DIFF_EQUAL);
    CHECK_INT(rows[1].status, PX_DIFF_MISSING);
    CHECK(rows[1].plan == NULL);
    CHECK_INT(rows[2].status, PX_DIFF_LOCAL);
    CHECK_STR(rows[2].metric, "inspect");
    CHECK(rows[2].national == NULL);
    px_arena_release(&a);
}

TEST(tasks_leads_deadlines)
{
    struct px_diag dg;
    px_diag_init(&dg);
    char rules[1024];
    snprintf(rules, sizeof rules, "%s/rules", PX_SOURCE_DIR);
    struct px_diff_ctx *cx = px_diff_ctx_new(rules, &dg);
    CHECK(cx != NULL);
    if (!cx)
        return;
    double same = px_diff_task_similarity(
        cx, "Đánh giá thực hiện phân cấp, phân quyền trong quản lý nhà nước",
        "Đánh giá thực hiện phân cấp, phân quyền trong quản lý nhà nước trên địa bàn tỉnh");
    double other = px_diff_task_similarity(
        cx, "Đánh giá thực hiện phân cấp, phân quyền trong quản lý nhà nước",
        "Bồi dưỡng kỹ năng số cho đội ngũ cán bộ, công chức");
    CHECK(same >= PX_DIFF_TASK_THRESHOLD);
    CHECK(other < PX_DIFF_TASK_THRESHOLD);

    char *nat_v[] = {"Bộ Nội vụ"}, *same_v[] = {"Sở Nội vụ"}, *diff_v[] = {"Sở Tư pháp"};
    struct px_strlist nat = {1, 1, nat_v}, p1 = {1, 1, same_v}, p2 = {1, 1, diff_v};
    CHECK_INT(px_diff_leads_differ(cx, &nat, &p1), 0);
    CHECK_INT(px_diff_leads_differ(cx, &nat, &p2), 1);

    struct px_deadline q4 = {1,    "Quý IV/2026", PX_DL_PERIOD, "2026-10-01", "2026-12-31",
                             NULL, NULL};
    struct px_deadline q2 = {1,    "Quý II/2026", PX_DL_PERIOD, "2026-04-01", "2026-06-30",
                             NULL, NULL};
    struct px_deadline unk = {1, "sớm", PX_DL_UNKNOWN, "", "", NULL, NULL};
    CHECK_INT(px_diff_deadlines_differ(&q4, &q4), 0);
    CHECK_INT(px_diff_deadlines_differ(&q4, &q2), 1);
    CHECK_INT(px_diff_deadlines_differ(&q4, &unk), 0);
    px_diff_ctx_free(cx);
    px_diag_release(&dg);
}

int
main(void)
{
    RUN(floor_national);
    RUN(cap_national);
    RUN(range_counts_by_looser_end);
    RUN(strongest_commitment_counts);
    RUN(rows_missing_and_local);
    RUN(tasks_leads_deadlines);
    return DONE();
}

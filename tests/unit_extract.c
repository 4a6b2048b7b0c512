/*
 * unit_extract — extraction on the corpus against facts computed from the
 * gold (one JSON Lines file per document under tests/gold): document facts
 * equal, appendix rows in order with the gold's ordinals, as many body tasks
 * as the gold; and the JSON shapes of records_json.
 */
#include "harness.h"

#include "extract.h"
#include "normalize.h"
#include "parse.h"
#include "records_json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const docs[] = {
    "nghe-an-vpubnd_kh-662-2026_ct15", "nghe-an_kh-333-2026_qd534", "nghe-an_qd-3667-2024_cchc2025",
    "quang-ngai_qd-2026_qd534",        "thanh-hoa_kh-2026_qd534",
};

static struct px_normalizer *nz;
static struct px_extractor *ex;

/* Gold records of one document (a JSON array the caller json_decref()s). */
static json_t *
load_gold(const char *doc)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/gold/%s.jsonl", PX_SOURCE_DIR, doc);
    FILE *f = fopen(path, "r");
    json_t *all = json_array();
    if (!f)
        return all;
    json_error_t err;
    json_t *rec;
    while ((rec = json_loadf(f, JSON_DISABLE_EOF_CHECK, &err)) != NULL)
        json_array_append_new(all, rec);
    fclose(f);
    return all;
}

static const char *
jstr_or_null(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
check_str_or_null(const char *got, const char *want)
{
    if (!want)
        CHECK(got == NULL);
    else
        CHECK_STR(got, want);
}

static void
check_document(const struct px_docinfo *info, json_t *g)
{
    CHECK_STR(info->kind, jstr_or_null(g, "kind"));
    check_str_or_null(info->number, jstr_or_null(g, "number"));
    check_str_or_null(info->issuer, jstr_or_null(g, "issuer"));
    check_str_or_null(info->province, jstr_or_null(g, "province"));
    check_str_or_null(info->issued[0] ? info->issued : NULL, jstr_or_null(g, "issued"));
    json_t *impl = json_object_get(g, "implements");
    CHECK_INT(info->implements.n, json_array_size(impl));
    for (size_t i = 0; i < info->implements.n && i < json_array_size(impl); i++)
        CHECK_STR(info->implements.v[i], json_string_value(json_array_get(impl, i)));
}

static size_t
count_origin(const struct px_extraction *x, const char *origin)
{
    size_t n = 0;
    for (size_t i = 0; i < x->ntasks; i++)
        n += !strcmp(x->tasks[i].origin, origin);
    return n;
}

/* The gold's appendix rows come out in order with the same ordinals. */
static void
check_tasks(const struct px_extraction *x, json_t *gold)
{
    size_t napp = 0, nbody = 0, j = 0;
    json_t *g;
    size_t i;
    json_array_foreach(gold, i, g)
    {
        if (strcmp(jstr_or_null(g, "type"), "task"))
            continue;
        if (strcmp(jstr_or_null(g, "origin"), "appendix")) {
            nbody++;
            continue;
        }
        napp++;
        while (j < x->ntasks && strcmp(x->tasks[j].origin, "appendix"))
            j++;
        if (j < x->ntasks)
            CHECK_STR(x->tasks[j++].ordinal, jstr_or_null(g, "ordinal"));
    }
    CHECK_INT(count_origin(x, "appendix"), napp);
    CHECK_INT(count_origin(x, "body"), nbody);
    for (size_t t = 0; t < x->ntasks; t++) {
        CHECK(x->tasks[t].text && x->tasks[t].text[0]);
        CHECK(x->tasks[t].leads.present && x->tasks[t].leads.n > 0);
        CHECK(x->tasks[t].prov.rule != NULL && x->tasks[t].prov.span.line > 0);
    }
}

static void
run_doc(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/corpora/text/%s.txt", PX_SOURCE_DIR, name);
    struct px_buf src = PX_BUF_INIT;
    struct px_diag dg;
    px_diag_init(&dg);
    CHECK(px_read_file(path, &src) == 0);
    struct px_doc doc;
    px_doc_init(&doc, path, PX_FMT_TEXT, (const unsigned char *)src.ptr, src.len);
    struct px_extraction x;
    CHECK(px_parse(&doc, &dg) == 0);
    CHECK(px_normalize_doc(nz, &doc, &dg) == 0);
    CHECK(px_extract(ex, &doc, &x, &dg) == 0);
    json_t *gold = load_gold(name);
    CHECK(json_array_size(gold) > 0);
    size_t i;
    json_t *g;
    json_array_foreach(gold, i, g)
    {
        if (!strcmp(jstr_or_null(g, "type"), "document"))
            check_document(&x.info, g);
    }
    check_tasks(&x, gold);
    if (px_t_cur_failed)
        fprintf(stderr, "  in %s\n", name);
    json_decref(gold);
    px_doc_release(&doc);
    px_buf_release(&src);
    px_diag_release(&dg);
}

TEST(corpus_matches_gold)
{
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        run_doc(docs[i]);
}

TEST(json_shapes)
{
    struct px_task t = {0};
    t.id = "a1";
    t.origin = "appendix";
    t.ordinal = "1";
    t.text = "Xây dựng kế hoạch";
    char *leads[] = {"Sở Nội vụ"};
    t.leads = (struct px_strlist){1, 1, leads};
    json_t *o = px_task_json("d", &t, 0);
    char *s = json_dumps(o, JSON_COMPACT);
    CHECK(strstr(s, "\"partners\":null") != NULL);
    CHECK(strstr(s, "\"deadline\":null") != NULL);
    CHECK(strstr(s, "\"leads\":[\"Sở Nội vụ\"]") != NULL);
    CHECK(strstr(s, "\"rule\"") == NULL);
    free(s);
    json_decref(o);

    struct px_target tg = {0};
    tg.metric = "meeting_reduction";
    tg.cmp = ">=";
    tg.value = 15;
    tg.unit = "%";
    o = px_target_json("d", &tg, 1);
    s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
    CHECK(strstr(s, "\"value\":15,") != NULL);
    CHECK(strstr(s, "\"value2\":null") != NULL);
    CHECK(strstr(s, "\"rule\"") != NULL);
    free(s);
    json_decref(o);
    tg.value = 0.5;
    tg.has_value2 = 1;
    tg.value2 = 1.5;
    o = px_target_json("d", &tg, 0);
    s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
    CHECK(strstr(s, "\"value\":0.5,") != NULL);
    CHECK(strstr(s, "\"value2\":1.5,") != NULL);
    free(s);
    json_decref(o);
}

/* Extract a small text plan (the caller releases doc and src). */
static int
extract_text(const char *text, struct px_buf *src, struct px_doc *doc, struct px_extraction *x)
{
    struct px_diag dg;
    px_diag_init(&dg);
    *src = (struct px_buf)PX_BUF_INIT;
    px_buf_puts(src, text);
    px_doc_init(doc, "small.txt", PX_FMT_TEXT, (const unsigned char *)src->ptr, src->len);
    int rc = px_parse(doc, &dg) || px_normalize_doc(nz, doc, &dg) || px_extract(ex, doc, x, &dg);
    px_diag_release(&dg);
    return rc;
}

/*
 * A department's header ("UBND TỈNH …" over "SỞ …") names the issuer; a
 * partner column whose header words are unreadable is still the partner
 * column under a two-row "Cơ quan" header; "I.1" numbers a row; "Đến hết
 * năm" has no start.
 */
TEST(small_department_plan)
{
    static const char text[] =
        "UBND TỈNH ĐỒNG THÁP\n"
        "SỞ TÀI CHÍNH\n\n"
        "Số: 5/KH-STC\n\n"
        "Đồng Tháp, ngày 02 tháng 6 năm 2026\n\n"
        "KẾ HOẠCH\n\n"
        "Thực hiện nhiệm vụ năm 2026\n\n"
        "I. NHIỆM VỤ\n\n"
        "| TT | Nhiệm vụ | Cơ quan |  | Thời hạn |\n"
        "|---|---|---|---|---|\n"
        "|  |  | Chủ trì | Pxxx hxx |  |\n"
        "| I | NHÓM MỘT |  |  |  |\n"
        "| I.1 | Việc một | Sở Nội vụ | Sở Tư pháp<br>Sở Y tế | Đến hết năm 2026 |\n";
    struct px_buf src;
    struct px_doc doc;
    struct px_extraction x;
    CHECK_INT(extract_text(text, &src, &doc, &x), 0);
    CHECK_STR(x.info.issuer, "Sở Tài chính tỉnh Đồng Tháp");
    CHECK_STR(x.info.province, "Đồng Tháp");
    CHECK_INT(x.ntasks, 1);
    if (x.ntasks == 1) {
        const struct px_task *t = &x.tasks[0];
        CHECK_STR(t->ordinal, "I.1");
        CHECK_INT(t->leads.n, 1);
        CHECK_INT(t->partners.n, 2);
        if (t->partners.n == 2) {
            CHECK_STR(t->partners.v[0], "Sở Tư pháp");
            CHECK_STR(t->partners.v[1], "Sở Y tế");
        }
        CHECK_STR(t->deadline.start, "");
        CHECK_STR(t->deadline.end, "2026-12-31");
    }
    px_doc_release(&doc);
    px_buf_release(&src);
}

/*
 * A ward's plan: the issuer line broken after "ỦY BAN NHÂN DÂN" and of a
 * level below the province keeps "phường"; a joint office is one name; a
 * numbered item with its own role lines whose first words read like an
 * agency ("Thanh tra trách nhiệm …") keeps its text and takes the lead of
 * its role line; a header "Cơ quan thực hiện" spanning "Chủ trì | Phối hợp"
 * (a merged cell repeats its words in every column it covers) still has a
 * partner column; "Trước 31/3" takes the plan's year.
 */
TEST(small_ward_plan)
{
    static const char text[] =
        "ỦY BAN NHÂN DÂN\n"
        "PHƯỜNG AN HÒA\n\n"
        "Số: 7/KH-UBND\n\n"
        "An Hòa, ngày 02 tháng 6 năm 2026\n\n"
        "KẾ HOẠCH\n\n"
        "Thực hiện nhiệm vụ năm 2026\n\n"
        "I. NHIỆM VỤ, GIẢI PHÁP\n\n"
        "1. Thanh tra trách nhiệm người đứng đầu trong thực hiện nhiệm vụ được giao.\n\n"
        "- Đơn vị chủ trì: Văn phòng HĐND và UBND phường.\n\n"
        "- Đơn vị phối hợp: Công an phường.\n\n"
        "II. PHÂN CÔNG\n\n"
        "| TT | Nhiệm vụ | Cơ quan thực hiện | Cơ quan thực hiện | Thời hạn |\n"
        "|---|---|---|---|---|\n"
        "|  |  | Chủ trì | Phối hợp |  |\n"
        "| 1 | Việc một | Văn phòng HĐND và UBND phường | Công an phường | Trước 31/3 |\n";
    struct px_buf src;
    struct px_doc doc;
    struct px_extraction x;
    CHECK_INT(extract_text(text, &src, &doc, &x), 0);
    CHECK_STR(x.info.issuer, "Ủy ban nhân dân phường An Hòa");
    CHECK_INT(x.ntasks, 2);
    for (size_t i = 0; i < x.ntasks && x.ntasks == 2; i++) {
        const struct px_task *t = &x.tasks[i];
        CHECK_INT(t->leads.n, 1);
        CHECK_INT(t->partners.n, 1);
        if (t->leads.n == 1)
            CHECK_STR(t->leads.v[0], "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường");
        if (t->partners.n == 1)
            CHECK_STR(t->partners.v[0], "Công an phường");
    }
    if (x.ntasks == 2) {
        CHECK(strncmp(x.tasks[0].text, "Thanh tra trách nhiệm", strlen("Thanh tra trách nhiệm")) ==
              0);
        CHECK_STR(x.tasks[1].deadline.end, "2026-03-31");
    }
    px_doc_release(&doc);
    px_buf_release(&src);
}

/*
 * Numbered items with "+" role lines: an item whose text lists sub-items
 * ("…, gồm: a) …; b) …") keeps them in its text and takes the role lines
 * that follow them; sub-items that each have role lines are tasks of their
 * own. A closing "Trong quá trình triển khai, nếu có khó khăn …" is no part
 * of the last task.
 */
TEST(small_subitems_with_roles)
{
    static const char text[] =
        "ỦY BAN NHÂN DÂN\n"
        "TỈNH SƠN LA\n\n"
        "Số: 9/KH-UBND\n\n"
        "Sơn La, ngày 02 tháng 6 năm 2026\n\n"
        "KẾ HOẠCH\n\n"
        "Thực hiện nhiệm vụ năm 2026\n\n"
        "I. NHIỆM VỤ CỤ THỂ\n\n"
        "1. Rà soát quy trình nội bộ, gồm:\n\n"
        "a) Cắt giảm thành phần hồ sơ;\n\n"
        "b) Đề xuất thủ tục trực tuyến toàn trình.\n\n"
        "+ Đơn vị chủ trì thực hiện: Sở Tư pháp.\n\n"
        "+ Đơn vị phối hợp thực hiện: Công an tỉnh.\n\n"
        "2. Về văn bản\n\n"
        "2.1. Số hóa hồ sơ.\n\n"
        "+ Đơn vị chủ trì thực hiện: Sở Nội vụ.\n\n"
        "2.2. Ký số văn bản đi.\n\n"
        "+ Đơn vị chủ trì thực hiện: Sở Tài chính.\n\n"
        "Trong quá trình triển khai, nếu có khó khăn, vướng mắc, các cơ quan báo cáo "
        "Sở Nội vụ./.\n";
    struct px_buf src;
    struct px_doc doc;
    struct px_extraction x;
    CHECK_INT(extract_text(text, &src, &doc, &x), 0);
    CHECK_INT(x.ntasks, 3);
    if (x.ntasks == 3) {
        CHECK_STR(x.tasks[0].ordinal, "1");
        CHECK_STR(x.tasks[0].text, "Rà soát quy trình nội bộ, gồm: a) Cắt giảm thành phần hồ sơ; "
                                   "b) Đề xuất thủ tục trực tuyến toàn trình.");
        CHECK_INT(x.tasks[0].leads.n, 1);
        CHECK_INT(x.tasks[0].partners.n, 1);
        CHECK_STR(x.tasks[1].ordinal, "2.1");
        CHECK_STR(x.tasks[1].text, "Số hóa hồ sơ.");
        CHECK_STR(x.tasks[2].ordinal, "2.2");
        CHECK_STR(x.tasks[2].text, "Ký số văn bản đi.");
    }
    px_doc_release(&doc);
    px_buf_release(&src);
}

/*
 * A Chairman's directive: no "NHIỆM VỤ" part, the duties handed out after
 * "…, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:"; the Chairman is the issuer;
 * the documents of the mid-sentence "thực hiện" clause are implemented, not
 * the one whose past "việc thực hiện" is described; a dated duty is the
 * heading's deadline; the closing exhortation is no part of the last task.
 */
TEST(small_directive)
{
    static const char text[] =
        "ỦY BAN NHÂN DÂN\n"
        "TỈNH SƠN LA\n\n"
        "Số: 3/CT-UBND\n\n"
        "Sơn La, ngày 02 tháng 6 năm 2026\n\n"
        "CHỈ THỊ\n\n"
        "Về tăng cường kỷ luật\n\n"
        "Thời gian qua, việc thực hiện Chỉ thị số 2/CT-UBND ngày 1/3/2025 đạt kết quả.\n\n"
        "Để khắc phục hạn chế; thực hiện Quyết định số 534/QĐ-TTg ngày 31/3/2026 của Thủ "
        "tướng Chính phủ, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:\n\n"
        "1. Sở Nội vụ\n\n"
        "Trước ngày 15/7/2026, tham mưu sửa đổi quy chế.\n\n"
        "2. Sở Tư pháp\n\n"
        "Tăng cường kiểm tra văn bản.\n\n"
        "Các sở, ban, ngành nghiêm túc triển khai thực hiện Chỉ thị này./.\n";
    struct px_buf src;
    struct px_doc doc;
    struct px_extraction x;
    CHECK_INT(extract_text(text, &src, &doc, &x), 0);
    CHECK_STR(x.info.kind, "chi_thi");
    CHECK_STR(x.info.issuer, "Chủ tịch Ủy ban nhân dân tỉnh Sơn La");
    CHECK_INT(x.info.implements.n, 1);
    if (x.info.implements.n == 1)
        CHECK_STR(x.info.implements.v[0], "534/QĐ-TTg");
    CHECK_INT(x.ntasks, 2);
    if (x.ntasks == 2) {
        CHECK_STR(x.tasks[0].deadline.end, "2026-07-15");
        CHECK_STR(x.tasks[1].text, "Tăng cường kiểm tra văn bản.");
    }
    px_doc_release(&doc);
    px_buf_release(&src);
}

int
main(void)
{
    struct px_diag dg;
    px_diag_init(&dg);
    dg.echo = stderr;
    nz = px_normalizer_new(&dg);
    ex = nz ? px_extractor_new(PX_SOURCE_DIR "/rules", nz, &dg) : NULL;
    if (!ex) {
        fprintf(stderr, "cannot set up the extractor\n");
        return 1;
    }
    RUN(corpus_matches_gold);
    RUN(json_shapes);
    RUN(small_department_plan);
    RUN(small_ward_plan);
    RUN(small_directive);
    RUN(small_subitems_with_roles);
    px_extractor_free(ex);
    px_normalizer_free(nz);
    px_diag_release(&dg);
    return DONE();
}

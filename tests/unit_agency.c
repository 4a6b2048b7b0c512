/*
 * unit_agency — agency splitting and canonical names (pipeline/agency.h).
 *
 * The table-driven part reads tests/cases/agencies.tsv: every agency cell of
 * the corpora with the gold list it must give, plus hand-written cases.
 */
#include "agency.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>

static struct px_agencies *ag;
static struct px_normalizer *nz;
static int cases_run, cases_failed;

/* Unescape "\n" in a case cell (in place). */
static void
unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') {
            *w++ = '\n';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* The list as "a|b|c". */
static void
join(const struct px_strlist *l, struct px_buf *out)
{
    px_buf_clear(out);
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            px_buf_putc(out, '|');
        px_buf_puts(out, l->v[i]);
    }
}

static void
run_case(const char *file, long line, char *cell, const char *want, const char *province)
{
    struct px_arena a = PX_ARENA_INIT;
    struct px_buf norm = PX_BUF_INIT, got = PX_BUF_INIT, want_norm = PX_BUF_INIT;
    struct px_strlist out = {0, 0, NULL};
    struct px_diag dg;

    px_diag_init(&dg);
    unescape(cell);
    px_normalize(nz, cell, strlen(cell), PX_NORM_TEXT, &norm, NULL, &dg);
    px_agencies_split(ag, nz, norm.ptr, norm.len, *province ? province : NULL, &a, &out);
    join(&out, &got);
    /* the expected names are compared in the same normal form as the input */
    px_normalize(nz, want, strlen(want), PX_NORM_TEXT, &want_norm, NULL, &dg);
    cases_run++;
    if (!out.present || strcmp(got.ptr, want_norm.ptr) != 0) {
        cases_failed++;
        fprintf(stderr, "%s:%ld: \"%s\"\n  got:  %s\n  want: %s\n", file, line, cell, got.ptr,
                want);
    }
    px_buf_release(&norm);
    px_buf_release(&got);
    px_buf_release(&want_norm);
    px_diag_release(&dg);
    px_arena_release(&a);
}

TEST(table_cases)
{
    const char *file = PX_SOURCE_DIR "/tests/cases/agencies.tsv";
    struct px_buf data = PX_BUF_INIT;
    char *p;
    long line = 0;

    CHECK(px_read_file(file, &data) == 0);
    for (p = data.ptr; p && *p;) {
        char *nl = strchr(p, '\n'), *f[3] = {p, "", ""};
        if (nl)
            *nl = '\0';
        line++;
        if (*p != '#') {
            for (int k = 1; k < 3; k++) {
                char *tab = strchr(f[k - 1], '\t');
                if (!tab)
                    break;
                *tab = '\0';
                f[k] = tab + 1;
            }
            run_case(file, line, f[0], f[1], f[2]);
        }
        p = nl ? nl + 1 : NULL;
    }
    printf("agency cases: %d/%d pass\n", cases_run - cases_failed, cases_run);
    CHECK(cases_run > 100);
    CHECK_INT(cases_failed, 0);
    px_buf_release(&data);
}

static size_t
lead_len(const char *s)
{
    return px_agencies_lead_len(ag, nz, s, strlen(s));
}

TEST(heading_lead_length)
{
    const char *b = "Sở Văn hóa, Thể thao và Du lịch; Báo và Phát thanh, Truyền hình Nghệ An: "
                    "Chủ trì, phối hợp với các Sở";
    const char *q = "Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các xã, phường, đặc khu chịu "
                    "trách nhiệm lãnh đạo";
    const char *c = "Các sở, ban, ngành; UBND các xã, phường, đặc khu, đưa nội dung vào";

    CHECK_INT(lead_len(b), strstr(b, ":") - b);
    CHECK_INT(lead_len(q), strstr(q, " chịu") - q);
    CHECK_INT(lead_len(c), strstr(c, ", đưa") - c);
    CHECK_INT(lead_len("Sở Tư pháp"), strlen("Sở Tư pháp"));
    CHECK_INT(lead_len("Các cơ quan, đơn vị thực hiện tốt việc hướng dẫn"),
              strlen("Các cơ quan, đơn vị"));
    CHECK_INT(lead_len("Sở Nội vụ - Cơ quan thường trực CCHC của tỉnh"),
              strlen("Sở Nội vụ - Cơ quan thường trực CCHC của tỉnh"));
    CHECK_INT(lead_len("Giao các sở, ban, ngành, đơn vị cấp tỉnh, UBND các xã, phường:"),
              strlen("Giao các sở, ban, ngành, đơn vị cấp tỉnh, UBND các xã, phường"));
    CHECK_INT(lead_len("Cục Thuế tỉnh, Kho bạc Nhà nước tỉnh, Bảo hiểm xã hội tỉnh"),
              strlen("Cục Thuế tỉnh, Kho bạc Nhà nước tỉnh, Bảo hiểm xã hội tỉnh"));
    CHECK_INT(lead_len("Tiếp tục nâng cao chất lượng tham mưu"), 0);
    /* a head that is also a verb or common noun, followed by a common noun */
    CHECK_INT(lead_len("Thanh tra trách nhiệm người đứng đầu trong thực hiện nhiệm vụ"), 0);
    CHECK_INT(lead_len("Ban hành quy chế làm việc"), 0);
    CHECK_INT(lead_len("Thanh tra tỉnh: chủ trì"), strlen("Thanh tra tỉnh"));
    CHECK_INT(lead_len("Công an phường"), strlen("Công an phường"));
    CHECK_INT(lead_len("Bảo hiểm xã hội tỉnh"), strlen("Bảo hiểm xã hội tỉnh"));
    CHECK_INT(lead_len("Văn phòng HĐND và UBND phường"), strlen("Văn phòng HĐND và UBND phường"));
    CHECK_INT(lead_len("Căn cứ Kế hoạch này, các cơ quan, đơn vị"), 0);
    CHECK_INT(lead_len(""), 0);
    const char *u = "Công đoàn cơ sở Sở Tư pháp, Chi đoàn Thanh niên Sở phối hợp tuyên truyền";
    CHECK_INT(lead_len(u), strstr(u, " phối hợp") - u);
}

static size_t
dangling(const char *s)
{
    return px_agencies_dangling_head(ag, nz, s, strlen(s));
}

TEST(dangling_head)
{
    CHECK_INT(dangling("Các Sở, ban, ngành, địa phương ở các cấp Sở"), strlen("Sở"));
    CHECK_INT(dangling("Sở Tư pháp và UBND"), strlen("UBND"));
    CHECK_INT(dangling("Sở Tư pháp"), 0);
    CHECK_INT(dangling("Văn phòng Ủy ban nhân dân"), 0);
    CHECK_INT(dangling("Sở"), strlen("Sở"));
}

TEST(partners_in_lead_cell)
{
    const char *s = "Sở Kế hoạch và Đầu tư phối hợp Sở Tài chính";
    struct px_arena a = PX_ARENA_INIT;
    struct px_strlist leads = {0, 0, NULL}, partners = {0, 0, NULL};

    CHECK_INT(px_agencies_split_roles(ag, nz, s, strlen(s), NULL, &a, &leads, &partners), 1);
    CHECK_INT(leads.n, 1);
    CHECK_INT(partners.n, 1);
    if (leads.n == 1 && partners.n == 1) {
        CHECK_STR(leads.v[0], "Sở Kế hoạch và Đầu tư");
        CHECK_STR(partners.v[0], "Sở Tài chính");
    }
    px_arena_release(&a);
}

TEST(canonical_one_name)
{
    struct px_arena a = PX_ARENA_INIT;
    const char *s = "UBND tỉnh Nghệ An";
    CHECK_STR(px_agency_canonical(ag, nz, s, strlen(s), "Nghệ An", &a), "Ủy ban nhân dân tỉnh");
    s = "Ban chỉ đạo tỉnh Quảng Ngãi";
    CHECK_STR(px_agency_canonical(ag, nz, s, strlen(s), NULL, &a), "Ban chỉ đạo tỉnh");
    px_arena_release(&a);
}

static const char *
province(const char *s)
{
    return px_province_find(ag, nz, s, strlen(s));
}

TEST(provinces)
{
    const char *s = "Thanh Hoá";
    CHECK_STR(province("ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"), "Nghệ An");
    CHECK_STR(province("Kế hoạch của UBND tỉnh Thanh Hoá về"), "Thanh Hóa");
    CHECK_STR(province("Ủy ban nhân dân tỉnh Khánh Hoà"), "Khánh Hòa");
    CHECK_STR(province("TP. Hồ Chí Minh, ngày 5 tháng 5"), "Thành phố Hồ Chí Minh");
    CHECK(province("Ban Quản lý Khu kinh tế Đông Nam Nghệ An") == NULL);
    CHECK(province("tư tưởng Hồ Chí Minh") == NULL);
    CHECK(province("không có tỉnh nào") == NULL);
    CHECK_STR(px_province_standard(ag, nz, s, strlen(s)), "Thanh Hóa");
    s = "Hoà Bình";
    CHECK_STR(px_province_standard(ag, nz, s, strlen(s)), "Hòa Bình");
}

TEST(bad_rules_dir)
{
    struct px_diag dg;
    px_diag_init(&dg);
    CHECK(px_agencies_new(PX_SOURCE_DIR "/tests/no-such-dir", nz, &dg) == NULL);
    CHECK(px_diag_count(&dg, PX_ERROR) >= 1);
    px_diag_release(&dg);
}

int
main(void)
{
    struct px_diag dg;

    px_diag_init(&dg);
    nz = px_normalizer_new(&dg);
    ag = px_agencies_new(PX_SOURCE_DIR "/rules", nz, &dg);
    if (!nz || !ag) {
        px_diag_print(stderr, &dg, PX_NOTE);
        return 1;
    }
    CHECK_INT(px_diag_count(&dg, PX_WARNING), 0);
    RUN(table_cases);
    RUN(heading_lead_length);
    RUN(dangling_head);
    RUN(partners_in_lead_cell);
    RUN(canonical_one_name);
    RUN(provinces);
    RUN(bad_rules_dir);
    px_agencies_free(ag);
    px_normalizer_free(nz);
    px_diag_release(&dg);
    return DONE();
}

/*
 * unit_text — the text parser and the page-split table merge, on the corpus
 * plans (corpora/text/) and on small inputs built here.
 */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include "../parsers/parse.h"
#include "../pipeline/dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parsed {
    struct px_buf data;
    struct px_doc doc;
    struct px_diag dg;
    int rc;
};

static void
parse_bytes(struct parsed *p, const char *name, const char *bytes, size_t len)
{
    p->data = (struct px_buf)PX_BUF_INIT;
    px_buf_put(&p->data, bytes, len);
    px_diag_init(&p->dg);
    px_doc_init(&p->doc, name, PX_FMT_TEXT, (const unsigned char *)p->data.ptr, p->data.len);
    p->rc = px_parse_text(&p->doc, &p->dg);
}

static int
parse_corpus(struct parsed *p, const char *base)
{
    char path[512];
    snprintf(path, sizeof path, "%s/corpora/text/%s.txt", PX_SOURCE_DIR, base);
    struct px_buf b = PX_BUF_INIT;
    if (px_read_file(path, &b) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    parse_bytes(p, path, b.ptr, b.len);
    px_buf_release(&b);
    return p->rc;
}

static void
release(struct parsed *p)
{
    px_doc_release(&p->doc);
    px_diag_release(&p->dg);
    px_buf_release(&p->data);
}

/* The appendix: the table with the most rows. */
static const struct px_table *
appendix(const struct px_doc *doc)
{
    const struct px_table *best = NULL;
    for (size_t k = 0; k < doc->nblocks; k++) {
        const struct px_table *t = doc->blocks[k].table;
        if (doc->blocks[k].type == PX_BLOCK_TABLE && t && (!best || t->nrows > best->nrows))
            best = t;
    }
    return best;
}

static size_t
count_tables(const struct px_doc *doc)
{
    size_t n = 0;
    for (size_t k = 0; k < doc->nblocks; k++)
        n += doc->blocks[k].type == PX_BLOCK_TABLE;
    return n;
}

/* "12" or "12.": a numbered data row. */
static int
is_number(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    return i > 0 && (s[i] == '\0' || (s[i] == '.' && s[i + 1] == '\0'));
}

static int
is_roman(const char *s)
{
    size_t i = 0;
    while (s[i] == 'I' || s[i] == 'V' || s[i] == 'X')
        i++;
    return i > 0 && (s[i] == '\0' || s[i] == ' ');
}

static size_t
numbered_rows(const struct px_table *t, size_t *sections)
{
    size_t n = 0;
    *sections = 0;
    for (size_t k = 0; k < t->nrows; k++) {
        const struct px_row *r = &t->rows[k];
        if (r->header || r->ncells == 0)
            continue;
        n += is_number(r->cells[0].text);
        *sections += is_roman(r->cells[0].text);
    }
    return n;
}

static const struct px_row *
row_numbered(const struct px_table *t, const char *num)
{
    for (size_t k = 0; k < t->nrows; k++)
        if (t->rows[k].ncells > 0 && !strcmp(t->rows[k].cells[0].text, num))
            return &t->rows[k];
    return NULL;
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static void
check_counts(const char *base, size_t want_rows, size_t want_sections)
{
    struct parsed p;
    CHECK_INT(parse_corpus(&p, base), 0);
    const struct px_table *t = appendix(&p.doc);
    CHECK(t != NULL);
    if (t) {
        size_t sections;
        CHECK_INT(numbered_rows(t, &sections), want_rows);
        CHECK_INT(sections, want_sections);
    }
    release(&p);
}

TEST(appendix_row_counts)
{
    check_counts("nghe-an_kh-333-2026_qd534", 18, 0);
    check_counts("quang-ngai_qd-2026_qd534", 16, 0);
    check_counts("thanh-hoa_kh-2026_qd534", 12, 0);
    check_counts("nghe-an-vpubnd_kh-662-2026_ct15", 8, 0);
    check_counts("nghe-an_qd-3667-2024_cchc2025", 45, 7);
}

TEST(one_table_per_appendix)
{
    static const char *const bases[] = {
        "nghe-an_kh-333-2026_qd534",     "quang-ngai_qd-2026_qd534",
        "thanh-hoa_kh-2026_qd534",       "nghe-an-vpubnd_kh-662-2026_ct15",
        "nghe-an_qd-3667-2024_cchc2025",
    };
    for (size_t k = 0; k < sizeof bases / sizeof bases[0]; k++) {
        struct parsed p;
        CHECK_INT(parse_corpus(&p, bases[k]), 0);
        CHECK_INT(count_tables(&p.doc), 1);
        release(&p);
    }
}

/* Offset maps: the text at `needle` must map back to the same bytes in the source. */
static int
maps_back(const struct px_doc *doc, const char *text, const struct px_offmap *m,
          const struct px_span *span, const char *needle)
{
    const char *at = strstr(text, needle);
    if (!at)
        return 0;
    uint64_t src = px_offmap_lookup(m, (size_t)(at - text), span->byte, span->line, NULL);
    size_t n = strlen(needle);
    return src + n <= doc->src_len && memcmp(doc->src + src, needle, n) == 0;
}

TEST(continuation_rows_are_joined)
{
    struct parsed p;
    CHECK_INT(parse_corpus(&p, "quang-ngai_qd-2026_qd534"), 0);
    const struct px_table *t = appendix(&p.doc);
    const struct px_row *r = t ? row_numbered(t, "4.") : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK(
            ends_with(r->cells[1].text, "góp phần nâng cao hiệu lực, hiệu quả quản lý nhà nước."));
        CHECK(r->continuation);
        CHECK(maps_back(&p.doc, r->cells[1].text, &r->cells[1].map, &r->cells[1].span,
                        "bức xúc trong Nhân dân"));
    }
    release(&p);

    CHECK_INT(parse_corpus(&p, "nghe-an_kh-333-2026_qd534"), 0);
    t = appendix(&p.doc);
    r = t ? row_numbered(t, "5.") : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK(strstr(r->cells[1].text, "cuộc hợp; đồng thời tăng tỷ lệ") != NULL);
        CHECK(maps_back(&p.doc, r->cells[1].text, &r->cells[1].map, &r->cells[1].span,
                        "hợp; đồng thời"));
        CHECK(maps_back(&p.doc, r->cells[1].text, &r->cells[1].map, &r->cells[1].span,
                        "Thực hiện cắt giảm"));
    }
    release(&p);
}

TEST(two_row_headers)
{
    static const char *const bases[] = {"nghe-an_kh-333-2026_qd534",
                                        "nghe-an-vpubnd_kh-662-2026_ct15"};
    for (size_t k = 0; k < 2; k++) {
        struct parsed p;
        CHECK_INT(parse_corpus(&p, bases[k]), 0);
        const struct px_table *t = appendix(&p.doc);
        CHECK(t && t->nrows > 3);
        if (t && t->nrows > 3) {
            CHECK(t->rows[0].header);
            CHECK(t->rows[1].header);
            CHECK(!t->rows[2].header);
            CHECK_STR(t->rows[1].cells[2].text, "Chủ trì");
            CHECK_STR(t->rows[1].cells[3].text, "Phối hợp");
        }
        release(&p);
    }
}

TEST(html_in_cells)
{
    struct parsed p;
    CHECK_INT(parse_corpus(&p, "nghe-an_qd-3667-2024_cchc2025"), 0);
    const struct px_table *t = appendix(&p.doc);
    const struct px_row *r = t ? row_numbered(t, "1") : NULL;
    CHECK(r && r->ncells >= 3);
    if (r && r->ncells >= 3) {
        CHECK(strchr(r->cells[2].text, '<') == NULL);
        CHECK(strncmp(r->cells[2].text, "- Nghị quyết của HĐND", 25) == 0);
        CHECK(strstr(r->cells[2].text, ";\n- ") != NULL);
        CHECK(maps_back(&p.doc, r->cells[2].text, &r->cells[2].map, &r->cells[2].span,
                        "- Nghị quyết của HĐND"));
    }
    r = t ? row_numbered(t, "I") : NULL;
    CHECK(r != NULL);
    if (r)
        CHECK_STR(r->cells[1].text, "CẢI CÁCH THỂ CHẾ");
    release(&p);

    static const char cell[] = "| TT | Nội dung |\n|---|---|\n"
                               "| 1. | a<br>b &amp; <i>c</i> <p>d</p> |\n";
    parse_bytes(&p, "cell.txt", cell, sizeof cell - 1);
    CHECK_INT(p.rc, 0);
    t = appendix(&p.doc);
    CHECK(t && t->nrows == 2);
    if (t && t->nrows == 2) {
        CHECK(t->rows[0].header && !t->rows[1].header);
        CHECK_STR(t->rows[1].cells[1].text, "a\nb & c\nd");
    }
    release(&p);
}

TEST(latex_math)
{
    static const char in[] = "Tỷ lệ trực tuyến $\\geq 60\\%$, trực tiếp $\\leq 40\\%$; "
                             "$2 \\times 3 \\pm 1$ và 5\\% còn $5 thì giữ\n";
    struct parsed p;
    parse_bytes(&p, "math.txt", in, sizeof in - 1);
    CHECK_INT(p.rc, 0);
    CHECK_INT(p.doc.nblocks, 1);
    if (p.doc.nblocks == 1) {
        const struct px_block *b = &p.doc.blocks[0];
        CHECK_STR(b->text, "Tỷ lệ trực tuyến ≥ 60%, trực tiếp ≤ 40%; 2 × 3 ± 1 và 5% còn $5 thì "
                           "giữ");
        CHECK(maps_back(&p.doc, b->text, &b->map, &b->span, "60"));
        CHECK(maps_back(&p.doc, b->text, &b->map, &b->span, "thì giữ"));
    }
    release(&p);
}

TEST(headings_and_items)
{
    static const char in[] = "## **II. NHIỆM VỤ, GIẢI PHÁP**\n\n"
                             "1. Mục đích\n\n"
                             "1.1. Tăng cường tổ chức các hoạt động phổ biến, tuyên truyền.\n"
                             "a) Sở Tư pháp\n\n"
                             "- Chủ trì rà soát các văn bản chồng chéo,\n\n"
                             "mâu thuẫn hoặc không còn phù hợp.\n"
                             "¹ Chỉ thị số 01/CT-UBND\n"
                             "**Triển khai thực hiện Quyết định\n"
                             "của Thủ tướng**\n";
    struct parsed p;
    parse_bytes(&p, "h.txt", in, sizeof in - 1);
    CHECK_INT(p.rc, 0);
    CHECK_INT(p.doc.nblocks, 7);
    if (p.doc.nblocks == 7) {
        const struct px_block *b = p.doc.blocks;
        CHECK_INT(b[0].type, PX_BLOCK_HEADING);
        CHECK_INT(b[0].level, 2);
        CHECK_STR(b[0].number, "II");
        CHECK_STR(b[0].text, "NHIỆM VỤ, GIẢI PHÁP");
        CHECK(b[0].flags & PX_BLOCK_BOLD);
        CHECK_INT(b[1].type, PX_BLOCK_HEADING);
        CHECK_STR(b[1].number, "1");
        CHECK_INT(b[2].type, PX_BLOCK_LIST_ITEM);
        CHECK_STR(b[2].number, "1.1");
        CHECK_INT(b[3].type, PX_BLOCK_HEADING);
        CHECK_STR(b[3].number, "a");
        CHECK_INT(b[4].type, PX_BLOCK_LIST_ITEM);
        CHECK_STR(b[4].number, "-");
        CHECK_STR(b[4].text, "Chủ trì rà soát các văn bản chồng chéo, mâu thuẫn hoặc không còn "
                             "phù hợp.");
        CHECK(maps_back(&p.doc, b[4].text, &b[4].map, &b[4].span, "mâu thuẫn"));
        CHECK_INT(b[5].type, PX_BLOCK_FOOTNOTE);
        CHECK_STR(b[5].number, "1");
        CHECK_STR(b[6].text, "Triển khai thực hiện Quyết định của Thủ tướng");
        CHECK(b[6].flags & PX_BLOCK_BOLD);
    }
    release(&p);
}

/* Same blocks, same texts, same table shape. */
static void
check_same_stream(const struct px_doc *a, const struct px_doc *b)
{
    CHECK_INT(a->nblocks, b->nblocks);
    for (size_t k = 0; k < a->nblocks && k < b->nblocks; k++) {
        CHECK_STR(a->blocks[k].text, b->blocks[k].text);
        if (a->blocks[k].table && b->blocks[k].table)
            CHECK_INT(a->blocks[k].table->nrows, b->blocks[k].table->nrows);
    }
}

TEST(crlf_and_bom)
{
    struct parsed lf, crlf, bom;
    CHECK_INT(parse_corpus(&lf, "nghe-an_kh-333-2026_qd534"), 0);
    struct px_buf b = PX_BUF_INIT;
    for (size_t i = 0; i < lf.data.len; i++) {
        if (lf.data.ptr[i] == '\n')
            px_buf_putc(&b, '\r');
        px_buf_putc(&b, lf.data.ptr[i]);
    }
    parse_bytes(&crlf, "crlf.txt", b.ptr, b.len);
    CHECK_INT(crlf.rc, 0);
    check_same_stream(&lf.doc, &crlf.doc);
    px_buf_clear(&b);
    px_buf_puts(&b, "\xEF\xBB\xBF");
    px_buf_put(&b, lf.data.ptr, lf.data.len);
    parse_bytes(&bom, "bom.txt", b.ptr, b.len);
    CHECK_INT(bom.rc, 0);
    check_same_stream(&lf.doc, &bom.doc);
    if (bom.doc.nblocks > 0 && lf.doc.nblocks > 0) {
        CHECK_INT(bom.doc.blocks[0].span.byte, lf.doc.blocks[0].span.byte + 3);
        CHECK_INT(bom.doc.blocks[0].span.line, lf.doc.blocks[0].span.line);
    }
    px_buf_release(&b);
    release(&lf);
    release(&crlf);
    release(&bom);
}

static void
check_refused(const char *bytes, size_t len, long line, const char *cause)
{
    struct parsed p;
    parse_bytes(&p, "bad.txt", bytes, len);
    CHECK_INT(p.rc, -1);
    CHECK_INT(px_diag_count(&p.dg, PX_ERROR), 1);
    const struct px_diag_item *it = px_diag_first(&p.dg, PX_ERROR);
    if (it) {
        CHECK_INT(it->line, line);
        CHECK_STR(it->file, "bad.txt");
        CHECK(strstr(it->msg, cause) != NULL);
    }
    release(&p);
}

TEST(refused_inputs)
{
    check_refused("", 0, 1, "empty");
    check_refused("I. MỤC ĐÍCH\n\nabc\0def\n", 21, 3, "NUL");
    check_refused("Dòng một\nhai \xC3( ba\n", 19, 2, "0xC3");
}

/* Every cell's source span starts with the bytes its text starts with (when verbatim). */
TEST(cell_spans_point_at_source)
{
    struct parsed p;
    CHECK_INT(parse_corpus(&p, "thanh-hoa_kh-2026_qd534"), 0);
    const struct px_table *t = appendix(&p.doc);
    size_t checked = 0;
    for (size_t k = 0; t && k < t->nrows; k++) {
        const struct px_row *r = &t->rows[k];
        CHECK(r->span.byte + r->span.len <= p.doc.src_len);
        for (size_t c = 0; c < r->ncells; c++) {
            const struct px_cell *cell = &r->cells[c];
            size_t n = strlen(cell->text);
            if (n == 0 || cell->map.n)
                continue;
            CHECK(cell->span.len == n);
            CHECK(memcmp(p.doc.src + cell->span.byte, cell->text, n) == 0);
            checked++;
        }
    }
    CHECK(checked > 50);
    release(&p);
}

TEST(dump_is_json_lines)
{
    struct parsed p;
    CHECK_INT(parse_corpus(&p, "nghe-an-vpubnd_kh-662-2026_ct15"), 0);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK_INT(px_dump_blocks(f, &p.doc), 0);
    fclose(f);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += out[i] == '\n';
    CHECK_INT(lines, p.doc.nblocks);
    CHECK(
        strstr(out, "{\"type\":\"table\",\"rows\":[{\"header\":true,\"cells\":[{\"text\":\"TT\"") !=
        NULL);
    free(out);
    release(&p);
}

/* A page number on its own line is a page break: the table split there is one
 * table with its continuation row joined, and a sentence broken there continues. */
TEST(page_number_lines)
{
    static const char src[] = "| STT | Nội dung | Chủ trì |\n"
                              "|---|---|---|\n"
                              "| 1 | Việc một | Sở Nội vụ |\n"
                              "| 2 | Việc hai, phần đầu | Sở Tư pháp |\n"
                              "\n"
                              "- 9 -\n"
                              "\n"
                              "| STT | Nội dung | Chủ trì |\n"
                              "|---|---|---|\n"
                              "|  | phần sau | |\n"
                              "| 3 | Việc ba | Sở Y tế |\n"
                              "\n"
                              "Trang 10/12\n"
                              "\n"
                              "Một câu bị ngắt\n"
                              "\n"
                              "11\n"
                              "\n"
                              "ở cuối trang.\n";
    struct parsed p;
    parse_bytes(&p, "pages.txt", src, sizeof src - 1);
    CHECK_INT(p.rc, 0);
    size_t tables = 0, paras = 0;
    for (size_t k = 0; k < p.doc.nblocks; k++) {
        const struct px_block *b = &p.doc.blocks[k];
        if (b->type == PX_BLOCK_TABLE) {
            tables++;
            CHECK_INT(b->table->nrows, 4);
            if (b->table->nrows == 4)
                CHECK_STR(b->table->rows[2].cells[1].text, "Việc hai, phần đầu phần sau");
        } else {
            paras++;
            CHECK_STR(b->text, "Một câu bị ngắt ở cuối trang.");
        }
    }
    CHECK_INT(tables, 1);
    CHECK_INT(paras, 1);
    release(&p);

    /* a numbered item is not a page number */
    static const char item[] = "9. Sở Nội vụ\n";
    parse_bytes(&p, "item.txt", item, sizeof item - 1);
    CHECK_INT(p.doc.nblocks, 1);
    release(&p);
}

/* `pdftotext -layout`: a table aligned with spaces, header cells and body cells
 * wrapping inside their columns, a section row, and a row split by a form
 * feed, a page number and the repeated header. */
TEST(space_aligned_table)
{
    static const char src[] =
        "  Số TT  Nội dung nhiệm vụ           Cơ quan chủ trì   Cơ quan phối      Thời gian\n"
        "                                     thực hiện         hợp thực hiện     thực hiện\n"
        "\n"
        "  I      TUYÊN TRUYỀN\n"
        "\n"
        "  1      Tổ chức quán triệt Kế       Văn phòng Sở      Các đơn vị trực   Tháng 6/2026\n"
        "         hoạch đến công chức                           thuộc Sở\n"
        "\n"
        "  2      Rà soát thủ tục hành        Phòng Nghiệp vụ   Văn phòng Sở      Quý IV/2026\n"
        "         chính lĩnh vực khám         Y\n"
        "\f                                      4\n"
        "\n"
        "  Số TT  Nội dung nhiệm vụ           Cơ quan chủ trì   Cơ quan phối      Thời gian\n"
        "                                     thực hiện         hợp thực hiện     thực hiện\n"
        "\n"
        "         bệnh, chữa bệnh                                                 (cả năm)\n"
        "\n"
        "  10     Báo cáo kết quả             Văn phòng Sở      Các phòng         Hằng năm\n"
        "\n"
        "Nơi nhận: như trên.\n";
    struct parsed p;
    parse_bytes(&p, "layout.txt", src, sizeof src - 1);
    CHECK_INT(p.rc, 0);
    const struct px_table *t = appendix(&p.doc);
    CHECK(t != NULL);
    if (t) {
        CHECK_INT(t->ncols, 5);
        CHECK_INT(t->nrows, 5); /* header, section, 1, 2 (with its page-2 part), 10 */
        if (t->nrows == 5) {
            CHECK(t->rows[0].header);
            CHECK_STR(t->rows[0].cells[2].text, "Cơ quan chủ trì thực hiện");
            CHECK_STR(t->rows[0].cells[3].text, "Cơ quan phối hợp thực hiện");
            CHECK_STR(t->rows[1].cells[0].text, "I");
            CHECK_STR(t->rows[1].cells[1].text, "TUYÊN TRUYỀN");
            CHECK_STR(t->rows[2].cells[1].text, "Tổ chức quán triệt Kế hoạch đến công chức");
            CHECK_STR(t->rows[2].cells[3].text, "Các đơn vị trực thuộc Sở");
            CHECK_STR(t->rows[3].cells[1].text,
                      "Rà soát thủ tục hành chính lĩnh vực khám bệnh, chữa bệnh");
            CHECK_STR(t->rows[3].cells[2].text, "Phòng Nghiệp vụ Y");
            CHECK_STR(t->rows[3].cells[4].text, "Quý IV/2026 (cả năm)");
            CHECK(t->rows[3].continuation);
            CHECK_STR(t->rows[4].cells[0].text, "10");
            CHECK_STR(t->rows[4].cells[4].text, "Hằng năm");
        }
    }
    /* the line after the table is text again */
    const struct px_block *last = &p.doc.blocks[p.doc.nblocks - 1];
    CHECK(last->type != PX_BLOCK_TABLE);
    CHECK_STR(last->text, "Nơi nhận: như trên.");
    release(&p);
}

/* PDF text that keeps the page's line breaks: a long line that ends no clause
 * goes on on the next line, even when that line opens with a capital; a form
 * feed with a page number inside a paragraph is a page break. */
TEST(hard_wrapped_lines)
{
    static const char src[] =
        "- Quán triệt, triển khai nghiêm túc, hiệu quả Kết luận số 226-KL/TW của Ban Bí thư và\n"
        "Quyết định số 534/QĐ-TTg của Thủ tướng Chính phủ.\n"
        "- Thực hiện nghiêm thời gian hội nghị: hội nghị sơ kết, tổng kết và các hội\n"
        "\f2\n"
        "\n"
        "nghị quan trọng không quá 1,5 ngày.\n"
        "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN VÀ CÁC CƠ QUAN, ĐƠN VỊ TRỰC THUỘC CỦA TỈNH\n"
        "Độc lập - Tự do - Hạnh phúc\n";
    struct parsed p;
    parse_bytes(&p, "wrap.txt", src, sizeof src - 1);
    CHECK_INT(p.rc, 0);
    CHECK_INT(p.doc.nblocks, 4);
    if (p.doc.nblocks == 4) {
        CHECK_STR(p.doc.blocks[0].text, "Quán triệt, triển khai nghiêm túc, hiệu quả Kết luận số "
                                        "226-KL/TW của Ban Bí thư và Quyết định số 534/QĐ-TTg "
                                        "của Thủ tướng Chính phủ.");
        CHECK_STR(p.doc.blocks[1].text, "Thực hiện nghiêm thời gian hội nghị: hội nghị sơ kết, "
                                        "tổng kết và các hội nghị quan trọng không quá 1,5 ngày.");
        CHECK_STR(p.doc.blocks[3].text, "Độc lập - Tự do - Hạnh phúc");
    }
    release(&p);
}

TEST(labelled_fields_are_not_wrapped)
{
    static const char src[] =
        "1. Rà soát, đánh giá thủ tục hành chính thuộc phạm vi quản lý của Sở Nội vụ\n"
        "Đơn vị chủ trì: Phòng Tổ chức - Biên chế và Tổ chức phi chính phủ của Sở\n"
        "Đơn vị phối hợp: Văn phòng Sở, Thanh tra Sở, các phòng chuyên môn thuộc Sở\n"
        "Thời gian thực hiện: Trước ngày 15/7/2026, báo cáo kết quả về Giám đốc Sở\n"
        "Sản phẩm: Báo cáo kết quả rà soát\n";
    struct parsed p;
    parse_bytes(&p, "label.txt", src, sizeof src - 1);
    CHECK_INT(p.rc, 0);
    CHECK_INT(p.doc.nblocks, 5);
    if (p.doc.nblocks == 5) {
        CHECK_STR(p.doc.blocks[1].text,
                  "Đơn vị chủ trì: Phòng Tổ chức - Biên chế và Tổ chức phi chính phủ của Sở");
        CHECK_STR(p.doc.blocks[3].text,
                  "Thời gian thực hiện: Trước ngày 15/7/2026, báo cáo kết quả về Giám đốc Sở");
        CHECK_STR(p.doc.blocks[4].text, "Sản phẩm: Báo cáo kết quả rà soát");
    }
    release(&p);
}

int
main(void)
{
    RUN(appendix_row_counts);
    RUN(one_table_per_appendix);
    RUN(continuation_rows_are_joined);
    RUN(two_row_headers);
    RUN(html_in_cells);
    RUN(latex_math);
    RUN(headings_and_items);
    RUN(crlf_and_bom);
    RUN(refused_inputs);
    RUN(cell_spans_point_at_source);
    RUN(dump_is_json_lines);
    RUN(page_number_lines);
    RUN(space_aligned_table);
    RUN(hard_wrapped_lines);
    RUN(labelled_fields_are_not_wrapped);
    return DONE();
}

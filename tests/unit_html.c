/* unit_html — the HTML parser on the corpora and on hand-written snippets. */
#include "harness.h"
#include "parse.h"

#include <stdlib.h>
#include <string.h>

static const char *const corpus[] = {
    "nghe-an_kh-333-2026_qd534",
    "quang-ngai_qd-2026_qd534",
    "thanh-hoa_kh-2026_qd534",
    "nghe-an-vpubnd_kh-662-2026_ct15",
};
/* Numbered data rows of each appendix table, counted by hand in the text versions. */
static const size_t corpus_rows[] = {18, 16, 12, 8};

static int
parse_bytes(struct px_doc *doc, struct px_diag *dg, const char *s, size_t len)
{
    px_diag_init(dg);
    px_doc_init(doc, "snippet.html", PX_FMT_HTML, (const unsigned char *)s, len);
    return px_parse_html(doc, dg);
}

static int
parse_str(struct px_doc *doc, struct px_diag *dg, const char *s)
{
    return parse_bytes(doc, dg, s, strlen(s));
}

static void
done(struct px_doc *doc, struct px_diag *dg)
{
    px_doc_release(doc);
    px_diag_release(dg);
}

static const struct px_table *
biggest_table(const struct px_doc *doc)
{
    const struct px_table *best = NULL;
    for (size_t i = 0; i < doc->nblocks; i++) {
        const struct px_table *t = doc->blocks[i].table;
        if (t && (!best || t->nrows > best->nrows))
            best = t;
    }
    return best;
}

/* Data rows whose first cell is a number ("1." or "1"). */
static size_t
numbered_rows(const struct px_table *t)
{
    size_t n = 0;
    for (size_t r = 0; t && r < t->nrows; r++) {
        const struct px_row *row = &t->rows[r];
        if (!row->header && row->ncells > 0 && row->cells[0].text[0] >= '0' &&
            row->cells[0].text[0] <= '9')
            n++;
    }
    return n;
}

static int
read_corpus(const char *dir, const char *base, const char *ext, struct px_buf *out)
{
    struct px_buf path = PX_BUF_INIT;
    px_buf_printf(&path, "%s/corpora/%s/%s.%s", PX_SOURCE_DIR, dir, base, ext);
    int rc = px_read_file(path.ptr, out);
    px_buf_release(&path);
    return rc;
}

/* The text parser's count when it gives a table for the text version; else the hand count. */
static size_t
text_rows(const char *base, size_t hand)
{
    struct px_buf b = PX_BUF_INIT;
    if (read_corpus("text", base, "txt", &b) != 0)
        return hand;
    struct px_doc doc;
    struct px_diag dg;
    px_diag_init(&dg);
    px_doc_init(&doc, base, PX_FMT_TEXT, (const unsigned char *)b.ptr, b.len);
    size_t n = hand;
    if (px_parse_text(&doc, &dg) == 0 && biggest_table(&doc))
        n = numbered_rows(biggest_table(&doc));
    done(&doc, &dg);
    px_buf_release(&b);
    return n;
}

TEST(corpus_tables)
{
    for (size_t k = 0; k < sizeof corpus / sizeof corpus[0]; k++) {
        struct px_buf b = PX_BUF_INIT;
        CHECK(read_corpus("html", corpus[k], "html", &b) == 0);
        struct px_doc doc;
        struct px_diag dg;
        px_diag_init(&dg);
        px_doc_init(&doc, corpus[k], PX_FMT_HTML, (const unsigned char *)b.ptr, b.len);
        CHECK_INT(px_parse_html(&doc, &dg), 0);
        CHECK_INT(px_diag_count(&dg, PX_ERROR), 0);
        CHECK(doc.nblocks > 20);
        const struct px_table *t = biggest_table(&doc);
        CHECK(t != NULL);
        CHECK(t && t->rows[0].header);
        CHECK_INT(numbered_rows(t), corpus_rows[k]);
        CHECK_INT(numbered_rows(t), text_rows(corpus[k], corpus_rows[k]));
        done(&doc, &dg);
        px_buf_release(&b);
    }
}

TEST(headings_and_numbered_paragraphs)
{
    struct px_doc doc;
    struct px_diag dg;
    CHECK_INT(parse_str(&doc, &dg,
                        "<html><head><title>T</title><style>p{}</style><script>var x;</script>"
                        "</head><body><h2>II. NHIỆM VỤ</h2><p class=MsoNormal>1. Mục "
                        "đích<o:p></o:p></p><p><b>a) Sở Tư pháp</b></p><p>Đoạn&nbsp;văn\n"
                        "  tiếp <span style='color:red'>theo</span>.<br>dòng 2</p></body></html>"),
              0);
    CHECK_INT(doc.nblocks, 4);
    CHECK_INT(doc.blocks[0].type, PX_BLOCK_HEADING);
    CHECK_STR(doc.blocks[0].number, "II");
    CHECK_STR(doc.blocks[0].text, "NHIỆM VỤ");
    CHECK_INT(doc.blocks[1].type, PX_BLOCK_HEADING);
    CHECK_STR(doc.blocks[1].number, "1");
    CHECK_STR(doc.blocks[1].text, "Mục đích");
    CHECK_STR(doc.blocks[2].number, "a");
    CHECK(doc.blocks[2].flags & PX_BLOCK_BOLD);
    CHECK_INT(doc.blocks[3].type, PX_BLOCK_PARAGRAPH);
    CHECK_STR(doc.blocks[3].text, "Đoạn\xC2\xA0văn tiếp theo.\ndòng 2");
    CHECK_STR(doc.blocks[3].locator, "p[3]");
    /* stream offsets: each block's text as read plus '\n' */
    CHECK_INT(doc.blocks[1].span.byte, strlen("II. NHIỆM VỤ") + 1);
    done(&doc, &dg);
}

/* A portal page indents paragraphs with "&nbsp;": the marker after them still types the block. */
TEST(nbsp_indent)
{
    struct px_doc doc;
    struct px_diag dg;
    CHECK_INT(parse_str(&doc, &dg,
                        "<body><p>&nbsp;&nbsp;&nbsp;&nbsp;- Là cơ quan thường trực.&nbsp;</p>"
                        "<p>&nbsp;</p><p>&nbsp;&nbsp;2. Văn phòng</p></body>"),
              0);
    CHECK_INT(doc.nblocks, 2);
    if (doc.nblocks == 2) {
        CHECK_INT(doc.blocks[0].type, PX_BLOCK_LIST_ITEM);
        CHECK_STR(doc.blocks[0].number, "-");
        CHECK_STR(doc.blocks[0].text, "Là cơ quan thường trực.");
        CHECK_STR(doc.blocks[1].number, "2");
    }
    done(&doc, &dg);
}

TEST(nested_lists)
{
    struct px_doc doc;
    struct px_diag dg;
    CHECK_INT(parse_str(&doc, &dg,
                        "<ol start=3><li>ba<ol type=a><li>x</li><li>y</li></ol></li>"
                        "<li>bốn</li></ol><ul><li><p>gạch</p><ol type=I><li value=4>iv"
                        "</li></ol></li></ul>"),
              0);
    CHECK_INT(doc.nblocks, 6);
    CHECK_STR(doc.blocks[0].number, "3");
    CHECK_INT(doc.blocks[0].level, 1);
    CHECK_STR(doc.blocks[1].number, "a");
    CHECK_INT(doc.blocks[1].level, 2);
    CHECK_STR(doc.blocks[2].number, "b");
    CHECK_STR(doc.blocks[3].number, "4");
    CHECK_STR(doc.blocks[3].text, "bốn");
    CHECK_STR(doc.blocks[4].number, "-");
    CHECK_STR(doc.blocks[4].text, "gạch");
    CHECK_INT(doc.blocks[4].type, PX_BLOCK_LIST_ITEM);
    CHECK_STR(doc.blocks[5].number, "IV");
    done(&doc, &dg);
}

TEST(table_grid)
{
    struct px_doc doc;
    struct px_diag dg;
    CHECK_INT(parse_str(&doc, &dg,
                        "<table><tr><td rowspan=2>TT</td><td colspan=2>Cơ quan</td></tr>"
                        "<tr><td>Chủ trì</td><td>Phối hợp</td></tr>"
                        "<tr><td>1.</td><td rowspan=2>Sở Nội vụ</td><td>A<br>B</td></tr>"
                        "<tr><td>2.</td><td><table><tr><td>x</td><td>y</td></tr><tr><td>z</td>"
                        "</tr></table></td></tr></table>"),
              0);
    CHECK_INT(doc.nblocks, 1);
    const struct px_table *t = doc.blocks[0].table;
    CHECK(t != NULL);
    if (!t) {
        done(&doc, &dg);
        return;
    }
    CHECK_INT(t->nrows, 4);
    CHECK_INT(t->ncols, 3);
    CHECK(t->rows[0].header && t->rows[1].header && !t->rows[2].header);
    CHECK_STR(t->rows[0].cells[2].text, "Cơ quan");
    CHECK_INT(t->rows[0].cells[1].colspan, 2);
    CHECK_STR(t->rows[1].cells[0].text, "TT");
    CHECK_STR(t->rows[1].cells[2].text, "Phối hợp");
    CHECK_STR(t->rows[2].cells[2].text, "A\nB");
    CHECK_STR(t->rows[3].cells[1].text, "Sở Nội vụ");
    CHECK_INT(t->rows[2].cells[1].rowspan, 2);
    CHECK_STR(t->rows[3].cells[2].text, "x y\nz");
    CHECK_STR(doc.blocks[0].locator, "table[1]");
    CHECK_STR(t->rows[1].cells[2].locator, "table[1]/tr[2]/td[2]");
    CHECK_STR(t->rows[2].cells[2].locator, "table[1]/tr[3]/td[3]");
    CHECK_STR(t->rows[3].cells[1].locator, "table[1]/tr[3]/td[2]"); /* a rowspan copy */
    CHECK_STR(t->rows[3].cells[2].locator, "table[1]/tr[4]/td[2]"); /* holds a nested table */
    done(&doc, &dg);
}

/* Cell locators: a step per element, counted among siblings of the same name. */
TEST(cell_locators)
{
    struct px_doc doc;
    struct px_diag dg;
    CHECK_INT(parse_str(&doc, &dg,
                        "<table><tr><td>x</td><td>y</td></tr></table><p>giữa</p>"
                        "<table><thead><tr><th>TT</th><th>Nội dung</th><th>Ghi chú</th></tr>"
                        "</thead><tbody><tr><td>1.</td><td>A</td><td rowspan=2>C</td></tr>"
                        "<tr><td>2.</td></tr></tbody>"
                        "<tbody><tr><th>II</th><td>B</td><td>D</td></tr></tbody></table>"),
              0);
    CHECK_INT(doc.nblocks, 3);
    const struct px_table *t = doc.nblocks == 3 ? doc.blocks[2].table : NULL;
    CHECK(t != NULL && t->nrows == 4);
    if (!t || t->nrows != 4) {
        done(&doc, &dg);
        return;
    }
    CHECK_STR(doc.blocks[2].locator, "table[2]");
    CHECK_STR(t->rows[0].cells[1].locator, "table[2]/thead[1]/tr[1]/th[2]");
    CHECK_STR(t->rows[1].cells[1].locator, "table[2]/tbody[1]/tr[1]/td[2]");
    CHECK_INT(t->rows[2].ncells, 3);
    CHECK_STR(t->rows[2].cells[0].locator, "table[2]/tbody[1]/tr[2]/td[1]");
    CHECK(t->rows[2].cells[1].locator == NULL); /* padding up to the covered column */
    CHECK_STR(t->rows[2].cells[2].locator, "table[2]/tbody[1]/tr[1]/td[3]");
    CHECK_STR(t->rows[3].cells[0].locator, "table[2]/tbody[2]/tr[1]/th[1]");
    CHECK_STR(t->rows[3].cells[2].locator, "table[2]/tbody[2]/tr[1]/td[2]");
    done(&doc, &dg);
}

TEST(hidden_and_entities)
{
    struct px_doc doc;
    struct px_diag dg;
    CHECK_INT(parse_str(&doc, &dg,
                        "<body><script>alert(1)</script><style>.a{}</style>"
                        "<p>&lt;script&gt; stays</p></body>"),
              0);
    CHECK_INT(doc.nblocks, 1);
    CHECK_STR(doc.blocks[0].text, "<script> stays");
    done(&doc, &dg);
}

TEST(footnotes)
{
    struct px_doc doc;
    struct px_diag dg;
    CHECK_INT(parse_str(&doc, &dg,
                        "<p>kỷ cương<a class=sdfootnoteanc href='#sdfootnote1sym'><sup>1</sup>"
                        "</a>\nđến</p><div id=sdfootnote1><p><a class=sdfootnotesym "
                        "href='#sdfootnote1anc'>1</a>Chỉ thị số 01</p></div>"),
              0);
    CHECK_INT(doc.nblocks, 2);
    CHECK_STR(doc.blocks[0].text, "kỷ cương\xC2\xB9 đến");
    CHECK_INT(doc.blocks[1].type, PX_BLOCK_FOOTNOTE);
    CHECK_STR(doc.blocks[1].number, "1");
    CHECK_STR(doc.blocks[1].text, "Chỉ thị số 01");
    done(&doc, &dg);
}

/* windows-1258 (checked against ICU): 0xCC is U+0300 (combining grave), 0xD2 is U+0309
 * (combining hook above), 0xF5 is U+01A1 (ơ). */
TEST(declared_windows_1258)
{
    struct px_doc doc;
    struct px_diag dg;
    const char *s = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                    "charset=windows-1258\"></head><body><p>Ho\xCC"
                    "a Th\xD2"
                    "a Ph\xF5n</p></body></html>";
    CHECK_INT(parse_str(&doc, &dg, s), 0);
    CHECK_INT(doc.nblocks, 1);
    /* the converter may or may not compose the tone mark (normalisation does it later) */
    const char *got = doc.nblocks == 1 ? doc.blocks[0].text : "";
    CHECK(strcmp(got, "Ho\xCC\x80"
                      "a Th\xCC\x89"
                      "a Ph\xC6\xA1n") == 0 ||
          strcmp(got, "H\xC3\xB2"
                      "a Th\xCC\x89"
                      "a Ph\xC6\xA1n") == 0);
    done(&doc, &dg);
}

TEST(bom)
{
    struct px_doc doc;
    struct px_diag dg;
    CHECK_INT(parse_str(&doc, &dg, "\xEF\xBB\xBF<p>Sở Nội vụ</p>"), 0);
    CHECK_INT(doc.nblocks, 1);
    CHECK_STR(doc.blocks[0].text, "Sở Nội vụ");
    done(&doc, &dg);
}

TEST(binary_refused)
{
    struct px_doc doc;
    struct px_diag dg;
    static const char bin[] = "\x7F"
                              "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0";
    CHECK_INT(parse_bytes(&doc, &dg, bin, sizeof bin - 1), -1);
    CHECK_INT(px_diag_count(&dg, PX_ERROR), 1);
    done(&doc, &dg);
    CHECK_INT(parse_str(&doc, &dg, ""), -1);
    CHECK_INT(px_diag_count(&dg, PX_ERROR), 1);
    done(&doc, &dg);
}

TEST(deep_nesting)
{
    enum { DEPTH = 5000 };
    struct px_buf b = PX_BUF_INIT;
    for (int i = 0; i < DEPTH; i++)
        px_buf_puts(&b, "<div><ul><li>");
    px_buf_puts(&b, "<table><tr><td>deep</td><td>cell</td></tr></table>sâu");
    struct px_doc doc;
    struct px_diag dg;
    CHECK_INT(parse_bytes(&doc, &dg, b.ptr, b.len), 0);
    CHECK(doc.nblocks >= 1);
    done(&doc, &dg);
    px_buf_release(&b);
}

/* Field by field: same blocks, spans and locators. */
static void
check_same_blocks(const struct px_doc *a, const struct px_doc *b)
{
    CHECK_INT(a->nblocks, b->nblocks);
    for (size_t i = 0; i < a->nblocks && i < b->nblocks; i++) {
        const struct px_block *x = &a->blocks[i], *y = &b->blocks[i];
        CHECK_INT(x->type, y->type);
        CHECK_INT(x->level, y->level);
        CHECK_INT(x->flags, y->flags);
        CHECK_STR(x->text, y->text);
        CHECK_INT(x->span.line, y->span.line);
        CHECK_INT(x->span.byte, y->span.byte);
        CHECK_STR(x->locator ? x->locator : "", y->locator ? y->locator : "");
        CHECK_STR(x->number ? x->number : "", y->number ? y->number : "");
    }
}

/*
 * A plain page is read without libxml2; a comment sends the same page
 * through libxml2 (and changes no block): both must give the same blocks.
 * Unclosed <li>/<td>/<p>, stray end tags, references, long text (libxml2
 * numbers a text by where its first 1,000 bytes end) and multi-line tags.
 */
TEST(plain_pages_read_like_libxml2)
{
    struct px_buf page = PX_BUF_INIT, slow = PX_BUF_INIT;
    px_buf_puts(&page,
                "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                "<title>K&amp;H</title>\n<style>p { }</style>\n</head>\n<body>\n"
                "<h2 class=\"x\">I. MỤC TIÊU</h2>\n<p>1. Nội dung &quot;a&quot; &#7843;</p>\n"
                "<ul><li>một<li>hai <b>đậm</b>\n</ul></p>\n<ol type=\"a\" start=\"2\"><li>ba</ol>\n"
                "<table><tr><td colspan=\"2\">a<td>b\n<tr><th\nrowspan=\"2\">c</th></tr></table>\n"
                "<div><p>x</p>");
    for (int i = 0; i < 40; i++)
        px_buf_puts(&page, "chữ chữ chữ chữ chữ chữ chữ chữ\n");
    px_buf_puts(&page, "</span></div><p>tiếp<sup>1</sup> <a href=\"#_ftn1\">[1]</a>\n");
    px_buf_put(&slow, page.ptr, page.len);
    px_buf_puts(&slow, "<!-- through libxml2 -->");
    px_buf_puts(&page, "\n</body>\n</html>\n");
    px_buf_puts(&slow, "\n</body>\n</html>\n");
    struct px_doc a, b;
    struct px_diag da, db;
    CHECK_INT(parse_bytes(&a, &da, page.ptr, page.len), 0);
    CHECK_INT(parse_bytes(&b, &db, slow.ptr, slow.len), 0);
    CHECK(a.nblocks >= 8);
    check_same_blocks(&a, &b);
    done(&a, &da);
    done(&b, &db);
    px_buf_release(&page);
    px_buf_release(&slow);
}

int
main(void)
{
    RUN(corpus_tables);
    RUN(headings_and_numbered_paragraphs);
    RUN(nbsp_indent);
    RUN(nested_lists);
    RUN(table_grid);
    RUN(cell_locators);
    RUN(hidden_and_entities);
    RUN(footnotes);
    RUN(declared_windows_1258);
    RUN(bom);
    RUN(binary_refused);
    RUN(deep_nesting);
    RUN(plain_pages_read_like_libxml2);
    return DONE();
}

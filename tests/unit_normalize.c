/* unit_normalize — NFC, tone placement, spaces, case folding and offset maps. */
#include "harness.h"
#include "normalize.h"

#include <stdlib.h>

static struct px_normalizer *nz;
static struct px_diag dg;

/* Normalised copy in a static buffer (valid until the next call). */
static const char *
norm(const char *s, unsigned flags)
{
    static struct px_buf out = PX_BUF_INIT;
    if (px_normalize(nz, s, strlen(s), flags, &out, NULL, &dg) < 0)
        return NULL;
    return out.ptr;
}

TEST(ascii_spaces)
{
    CHECK_STR(norm("  a \t b  ", 0), "a b");
    CHECK_STR(norm("a \n\n \n b", 0), "a\nb");
    CHECK_STR(norm("a \r\n b", 0), "a\nb");
    CHECK_STR(norm("a \n b", PX_NORM_ONELINE), "a b");
    CHECK_STR(norm("\n\n", 0), "");
    CHECK_STR(norm("", 0), "");
    CHECK_STR(norm("ABC Def", PX_NORM_KEY), "abc def");
}

TEST(tone_placement)
{
    CHECK_STR(norm("hoá", 0), "hóa");
    CHECK_STR(norm("hoà hoả hoã hoạ", 0), "hòa hỏa hõa họa");
    CHECK_STR(norm("khoẻ loè", 0), "khỏe lòe");
    CHECK_STR(norm("uỷ ban, thuỷ lợi, tuỳ", 0), "ủy ban, thủy lợi, tùy");
    CHECK_STR(norm("Hoá HOÁ Uỷ UỶ", 0), "Hóa HÓA Ủy ỦY");
    /* already traditional: unchanged */
    CHECK_STR(norm("hóa thủy", 0), "hóa thủy");
    /* not after q */
    CHECK_STR(norm("quý Quý QUÝ", 0), "quý Quý QUÝ");
    /* not when the pair does not end the syllable */
    CHECK_STR(norm("Quỳnh hoán khuỷu toán", 0), "Quỳnh hoán khuỷu toán");
    /* punctuation and digits end a word */
    CHECK_STR(norm("hoá.", 0), "hóa.");
    CHECK_STR(norm("hoá2", 0), "hóa2");
}

TEST(letters_and_invisibles)
{
    CHECK_STR(norm("\xC3\x90\xE1\xBB\x93ng \xC3\xB0\xC3\xA2u", 0), "Đồng đâu"); /* Ðồng ðâu */
    CHECK_STR(norm("k\xE2\x80\x8Bho\xC2\xADng\xEF\xBB\xBF", 0), "khong");
    CHECK_STR(norm("a\xC2\xA0\xC2\xA0"
                   "b\xE2\x80\xAF"
                   "c\xE2\x80\x87"
                   "d",
                   0),
              "a b c d");
    CHECK_STR(norm("x\xE2\x80\xA8y", 0), "x\ny");
}

TEST(nfc)
{
    /* "Hòa" with a combining grave, "Việt" fully decomposed */
    CHECK_STR(norm("Ho\xCC\x80"
                   "a",
                   0),
              "Hòa");
    CHECK_STR(norm("Vie\xCC\x82\xCC\xA3t", 0), "Việt");
    /* decomposed new-style tone: composed, then moved */
    CHECK_STR(norm("hoa\xCC\x81", 0), "hóa");
}

TEST(key_fold)
{
    CHECK_STR(norm("ỦY BAN NHÂN DÂN Tỉnh", PX_NORM_KEY), "ủy ban nhân dân tỉnh");
    CHECK_STR(norm("HOÁ", PX_NORM_KEY), "hóa");
    CHECK_STR(norm("Straße \xC3\x90", PX_NORM_KEY), "strasse đ");
}

/* Each output byte's map entry must point at the input character it came from. */
TEST(offset_map)
{
    /* "A" ZWSP "Ho" U+0300 "a" NBSP "x" */
    const char *in = "A\xE2\x80\x8BHo\xCC\x80"
                     "a\xC2\xA0x";
    struct px_buf out = PX_BUF_INIT;
    uint32_t *map = NULL;
    CHECK_INT(px_normalize(nz, in, strlen(in), 0, &out, &map, &dg), 0);
    CHECK_STR(out.ptr, "AHòa x");
    /* in: A=0 ZWSP=1..3 H=4 o=5 U+0300=6..7 a=8 NBSP=9..10 x=11; len 12 */
    const uint32_t want[] = {0, 4, 5, 5, 8, 9, 11, 12};
    CHECK_INT(out.len + 1, sizeof want / sizeof *want);
    for (size_t i = 0; i <= out.len && i < sizeof want / sizeof *want; i++)
        CHECK_INT(map[i], want[i]);
    free(map);

    /* a tone move keeps each byte on its own letter: "hoá" -> "hóa" */
    CHECK_INT(px_normalize(nz, "  hoá", 6, 0, &out, &map, &dg), 0);
    const uint32_t want2[] = {2, 3, 3, 4, 6};
    CHECK_INT(out.len + 1, 5);
    for (size_t i = 0; i < 5 && i <= out.len; i++)
        CHECK_INT(map[i], want2[i]);
    free(map);

    /* key mode with an expanding fold stays monotonic and in range */
    const char *in3 = "ß ẞ İ x";
    CHECK_INT(px_normalize(nz, in3, strlen(in3), PX_NORM_KEY, &out, &map, &dg), 0);
    for (size_t i = 0; i < out.len; i++) {
        CHECK(map[i] < strlen(in3));
        CHECK(i == 0 || map[i] >= map[i - 1]);
    }
    CHECK_INT(map[out.len], strlen(in3));
    free(map);
    px_buf_release(&out);
}

static uint64_t
src_of(const struct px_offmap *m, const char *text, const char *needle, uint64_t base)
{
    const char *p = strstr(text, needle);
    if (!p)
        return UINT64_MAX;
    return px_offmap_lookup(m, (size_t)(p - text), base, 0, NULL);
}

TEST(doc_compose)
{
    /* source: a line with markup that the parser already dropped */
    static const char src[] = "xx <b>Ho\xCC\x80"
                              "a</b>  \xE2\x80\x8Bthuỷ lợi\n"
                              "|  Đoàn\xC2\xA0 kết  |";
    struct px_doc doc;
    px_doc_init(&doc, "t.txt", PX_FMT_TEXT, (const unsigned char *)src, sizeof src - 1);
    struct px_block *b = px_doc_add_block(&doc, PX_BLOCK_PARAGRAPH);
    const char *text = "Ho\xCC\x80"
                       "a  \xE2\x80\x8Bthuỷ lợi"; /* "<b>" and "</b>" removed */
    b->text = px_arena_strdup(&doc.arena, text);
    b->span = (struct px_span){1, 3, 30};
    px_offmap_add(&doc, &b->map, 0, 6, 1);  /* "Ho..." at src 6 */
    px_offmap_add(&doc, &b->map, 5, 15, 1); /* after "</b>" */
    b->number = px_arena_strdup(&doc.arena, " 1 ");

    struct px_block *tb = px_doc_add_block(&doc, PX_BLOCK_TABLE);
    tb->text = px_arena_strdup(&doc.arena, "");
    tb->table = px_table_new(&doc);
    struct px_row *r = px_table_add_row(&doc, tb->table);
    const char *cell_src = strstr(src, "|") + 1;
    struct px_cell *c = px_row_add_cell(&doc, r, cell_src, strlen(cell_src) - 1);
    c->span = (struct px_span){2, (uint64_t)(cell_src - src), strlen(cell_src) - 1};

    CHECK_INT(px_normalize_doc(nz, &doc, &dg), 0);
    b = &doc.blocks[0];
    CHECK_STR(b->text, "Hòa thủy lợi");
    CHECK_STR(b->number, "1");
    CHECK_INT(src_of(&b->map, b->text, "Hòa", 0), 6);
    CHECK_INT(src_of(&b->map, b->text, "òa", 0), 7);
    CHECK_INT(src_of(&b->map, b->text, "a thủy", 0), 10);
    CHECK_INT(src_of(&b->map, b->text, "thủy", 0), (uint64_t)(strstr(src, "thu") - src));
    CHECK_INT(src_of(&b->map, b->text, "lợi", 0), (uint64_t)(strstr(src, "lợi") - src));
    for (size_t k = 1; k < b->map.n; k++)
        CHECK(b->map.pts[k].text > b->map.pts[k - 1].text);

    c = &doc.blocks[1].table->rows[0].cells[0];
    CHECK_STR(c->text, "Đoàn kết");
    CHECK_INT(src_of(&c->map, c->text, "Đoàn", c->span.byte), (uint64_t)(strstr(src, "Đ") - src));
    CHECK_INT(src_of(&c->map, c->text, "kết", c->span.byte), (uint64_t)(strstr(src, "kết") - src));
    px_doc_release(&doc);
}

int
main(void)
{
    px_diag_init(&dg);
    nz = px_normalizer_new(&dg);
    if (!nz)
        return 1;
    RUN(ascii_spaces);
    RUN(tone_placement);
    RUN(letters_and_invisibles);
    RUN(nfc);
    RUN(key_fold);
    RUN(offset_map);
    RUN(doc_compose);
    px_normalizer_free(nz);
    px_diag_release(&dg);
    return DONE();
}

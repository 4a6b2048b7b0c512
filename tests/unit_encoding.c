/* unit_encoding — UTF-8 validation, BOMs, declared charsets, TCVN3/VNI detection. */
#include "encoding.h"
#include "harness.h"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <stdlib.h>

static struct px_diag dg;
static struct px_buf out = PX_BUF_INIT;
static enum px_encoding enc;

static int
conv(const char *bytes, size_t len, const char *declared)
{
    px_diag_clear(&dg);
    return px_to_utf8("in.txt", (const unsigned char *)bytes, len, declared, &out, &enc, &dg);
}

static int
invalid(const char *s)
{
    size_t bad = 99;
    return px_utf8_validate((const unsigned char *)s, strlen(s), &bad) < 0 ? (int)bad : -1;
}

TEST(validate)
{
    CHECK_INT(invalid(""), -1);
    CHECK_INT(invalid("plain ascii text, long enough for the word loop"), -1);
    CHECK_INT(invalid("Việt Nam \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF"), -1);
    CHECK_INT(invalid("ab\xC0\x80"), 2);       /* overlong NUL */
    CHECK_INT(invalid("\xC1\xBF"), 0);         /* overlong */
    CHECK_INT(invalid("x\xE0\x80\x80"), 1);    /* overlong 3-byte */
    CHECK_INT(invalid("\xF0\x80\x80\x80"), 0); /* overlong 4-byte */
    CHECK_INT(invalid("abc\xED\xA0\x80"), 3);  /* surrogate */
    CHECK_INT(invalid("\xF4\x90\x80\x80"), 0); /* > U+10FFFF */
    CHECK_INT(invalid("\xF5\x80\x80\x80"), 0); /* bad lead */
    CHECK_INT(invalid("ok \xE1\xBB"), 3);      /* truncated at the end */
    CHECK_INT(invalid("ok \xE1\xBB"
                      "a"),
              3);                          /* truncated in the middle */
    CHECK_INT(invalid("12345678\x80"), 8); /* stray continuation after the fast loop */
}

/* The single error: its line, column and a message naming the cause. */
static void
check_error(const char *bytes, size_t len, long line, long col, const char *cause)
{
    CHECK_INT(conv(bytes, len, NULL), -1);
    CHECK_INT(px_diag_count(&dg, PX_ERROR), 1);
    const struct px_diag_item *it = px_diag_first(&dg, PX_ERROR);
    if (!it)
        return;
    CHECK_STR(it->file, "in.txt");
    CHECK_INT(it->line, line);
    CHECK_INT(it->col, col);
    if (!strstr(it->msg, cause))
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", it->msg, cause);
    CHECK(strstr(it->msg, cause) != NULL);
}

TEST(refusals)
{
    check_error("", 0, 0, 0, "empty file");
    check_error("ab\ncd\x00"
                "e",
                7, 2, 3, "binary data (NUL byte)");
    check_error("dòng một\ndòng hai \xC3(x", 25, 2, 10, "invalid UTF-8 byte 0xC3");
    check_error("a\nb\nc\xED\xA0\x80", 8, 3, 2, "invalid UTF-8 byte 0xED");
    check_error("\xEF\xBB\xBFtrước\xC0\x80", 14, 1, 6, "invalid UTF-8 byte 0xC0");
    CHECK(strstr(dg.items[0].msg, "column 6") != NULL);
}

TEST(latin1_junk_refused)
{
    /* French in Latin-1 is no Vietnamese encoding */
    const char *fr = "Le caf\xE9 est tr\xE8s g\xE9n\xE9reux \xE0 No\xEBl, d\xE9j\xE0 l\xE0.";
    check_error(fr, strlen(fr), 1, 7, "legacy encoding not recognised");
    /* pseudo-random bytes */
    char junk[4000];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(0x20 + (x >> 16) % 0xE0);
    }
    CHECK_INT(conv(junk, sizeof junk, NULL), -1);
    CHECK_INT(px_diag_count(&dg, PX_ERROR), 1);
}

TEST(utf8_and_bom)
{
    CHECK_INT(conv("Kế hoạch", strlen("Kế hoạch"), NULL), 0);
    CHECK_STR(out.ptr, "Kế hoạch");
    CHECK_INT(enc, PX_ENC_UTF8);
    CHECK_INT(px_diag_count(&dg, PX_NOTE), 0);
    CHECK_INT(conv("\xEF\xBB\xBFxin chào", 12, NULL), 0);
    CHECK_STR(out.ptr, "xin chào");
    CHECK_INT(enc, PX_ENC_UTF8_BOM);
    /* a declared legacy charset on valid UTF-8 text: the bytes win */
    CHECK_INT(conv("Việt", strlen("Việt"), "windows-1258"), 0);
    CHECK_STR(out.ptr, "Việt");
    CHECK_INT(px_diag_count(&dg, PX_WARNING), 1);
}

TEST(utf16)
{
    static const char le[] = "\xFF\xFEV\0i\0\xC7\x1Et\0";
    CHECK_INT(conv(le, sizeof le - 1, NULL), 0);
    CHECK_STR(out.ptr, "Việt");
    CHECK_INT(enc, PX_ENC_UTF16LE);
    static const char be[] = "\xFE\xFF\0V\0i\x1E\xC7\0t";
    CHECK_INT(conv(be, sizeof be - 1, NULL), 0);
    CHECK_STR(out.ptr, "Việt");
    CHECK_INT(enc, PX_ENC_UTF16BE);
    /* decomposed UTF-16 is composed */
    static const char dec[] = "\xFF\xFEo\0\x00\x03";
    CHECK_INT(conv(dec, sizeof dec - 1, NULL), 0);
    CHECK_STR(out.ptr, "ò");
    /* a lone surrogate is refused */
    static const char bad[] = "\xFF\xFE"
                              "a\0\x00\xD8"
                              "b\0";
    CHECK_INT(conv(bad, sizeof bad - 1, NULL), -1);
    CHECK_INT(px_diag_count(&dg, PX_ERROR), 1);
}

static const char cp1258_sample[] = "Quy\xea\xect \xf0i\xf2nh s\xf4\xec 534 cu\xd2"
                                    "a U\xd2y ban nh\xe2n d\xe2n ti\xd2nh v\xea\xcc vi\xea\xf2"
                                    "c tri\xea\xd2n khai";
static const char cp1258_text[] = "Quyết định số 534 của Ủy ban nhân dân tỉnh về việc triển khai";

TEST(windows_1258)
{
    CHECK_INT(conv(cp1258_sample, sizeof cp1258_sample - 1, "windows-1258"), 0);
    CHECK_STR(out.ptr, cp1258_text);
    CHECK_INT(enc, PX_ENC_CP1258);
    CHECK_INT(px_diag_count(&dg, PX_NOTE), 1);
    /* not declared: detected */
    CHECK_INT(conv(cp1258_sample, sizeof cp1258_sample - 1, NULL), 0);
    CHECK_STR(out.ptr, cp1258_text);
    CHECK_INT(enc, PX_ENC_CP1258);
    /* a byte the declared charset lacks */
    CHECK_INT(conv("ab\xC3", 3, "US-ASCII"), -1);
    CHECK_INT(px_diag_count(&dg, PX_ERROR), 1);
}

/* A declared windows-1258 text longer than one conversion buffer (Word's
 * "Web Page" files are tens of kilobytes): the combining marks 0xF2 (dot
 * below), 0xCC (grave), 0xDE (tilde), 0xEC (acute) and 0xD2 (hook) after the
 * first buffer still decode and compose. */
TEST(windows_1258_long)
{
    static const char line[] = "\xd0\xf4\xf2"
                               "c l\xe2\xf2p - T\xfd\xf2 do - Ha\xf2nh ph\xfa"
                               "c; la\xccm vi\xea\xf2"
                               "c, co\xde, ho\xd2i.\n";
    static const char want[] = "Độc lập - Tự do - Hạnh phúc; làm việc, cõ, hỏi.\n";
    struct px_buf in = PX_BUF_INIT, expect = PX_BUF_INIT;
    for (int i = 0; i < 400; i++) {
        px_buf_put(&in, line, sizeof line - 1);
        px_buf_put(&expect, want, sizeof want - 1);
    }
    px_buf_put(&in, "", 1);
    px_buf_put(&expect, "", 1);
    CHECK(in.len > 3 * 4096);
    CHECK_INT(conv(in.ptr, in.len - 1, "windows-1258"), 0);
    CHECK_STR(out.ptr, expect.ptr);
    CHECK_INT(enc, PX_ENC_CP1258);
    CHECK_INT(px_diag_count(&dg, PX_ERROR), 0);
    /* a bad byte far into a long text is still reported at its place */
    struct px_buf ascii = PX_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        px_buf_put(&ascii, "abcdefghij", 10);
    px_buf_put(&ascii, "\xC3", 1);
    CHECK_INT(conv(ascii.ptr, ascii.len, "US-ASCII"), -1);
    CHECK_INT(px_diag_count(&dg, PX_ERROR), 1);
    const struct px_diag_item *it = px_diag_first(&dg, PX_ERROR);
    CHECK(it != NULL && strstr(it->msg, "0xC3") != NULL);
    CHECK_INT(it ? it->col : 0, 10001);
    px_buf_release(&ascii);
    px_buf_release(&in);
    px_buf_release(&expect);
}

/* Hand-checked bytes: the national motto as the old fonts stored it. */
TEST(legacy_known_bytes)
{
    const char *tcvn = "C\xE9ng ho\xB5 x\xB7 h\xE9i ch\xF1 ngh\xDC"
                       "a Vi\xD6t Nam\n"
                       "\xA7\xE9"
                       "c l\xCBp - T\xF9 do - H\xB9nh ph\xF3"
                       "c";
    CHECK_INT(conv(tcvn, strlen(tcvn), NULL), 0);
    CHECK_STR(out.ptr, "Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc");
    CHECK_INT(enc, PX_ENC_TCVN3);
    const struct px_diag_item *it = px_diag_first(&dg, PX_NOTE);
    CHECK(it && strstr(it->msg, "converted from TCVN3"));

    const char *vni = "Co\xE4ng ho\xF8"
                      "a xa\xF5 ho\xE4i chu\xFB ngh\xF3"
                      "a Vie\xE4t Nam\n"
                      "\xD1o\xE4"
                      "c la\xE4p - T\xF6\xEF do - Ha\xEFnh phu\xF9"
                      "c";
    CHECK_INT(conv(vni, strlen(vni), NULL), 0);
    CHECK_STR(out.ptr, "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc");
    CHECK_INT(enc, PX_ENC_VNI);
    /* declared by name */
    CHECK_INT(conv("Vi\xD6t", 4, "TCVN3"), 0);
    CHECK_STR(out.ptr, "Việt");
}

/* ---- round trips through the tables, inverted ---------------------------- */

struct inverse {
    UChar key[8][256]; /* NFD of the byte's value */
    int32_t keylen[256];
};

static void
load_inverse(const char *name, struct inverse *inv)
{
    memset(inv, 0, sizeof *inv);
    char path[512];
    snprintf(path, sizeof path, "%s/rules/encodings/%s.map", PX_SOURCE_DIR, name);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[256];
    const UNormalizer2 *nfd;
    UErrorCode err = U_ZERO_ERROR;
    nfd = unorm2_getNFDInstance(&err);
    while (fgets(line, sizeof line, f)) {
        unsigned b, cp[3];
        int n = sscanf(line, "0x%x U+%x U+%x U+%x", &b, &cp[0], &cp[1], &cp[2]);
        if (n < 2 || b < 0x80)
            continue;
        UChar val[3];
        for (int k = 0; k < n - 1; k++)
            val[k] = (UChar)cp[k];
        UChar tmp[8];
        err = U_ZERO_ERROR;
        int32_t len = unorm2_normalize(nfd, val, n - 1, tmp, 8, &err);
        if (U_FAILURE(err) || inv->keylen[b])
            continue;
        for (int32_t k = 0; k < len; k++)
            inv->key[k][b] = tmp[k];
        inv->keylen[b] = len;
    }
    fclose(f);
}

/* Encode UTF-8 text with the inverted table: greedy longest match on NFD. */
static size_t
encode(const struct inverse *inv, const char *text, char *dst, size_t cap)
{
    UChar u[1024], d[2048];
    int32_t un = 0;
    UErrorCode err = U_ZERO_ERROR;
    u_strFromUTF8(u, 1024, &un, text, -1, &err);
    int32_t dn = unorm2_normalize(unorm2_getNFDInstance(&err), u, un, d, 2048, &err);
    CHECK(U_SUCCESS(err));
    size_t n = 0;
    for (int32_t i = 0; i < dn && n < cap;) {
        int best = -1;
        int32_t best_len = 0;
        for (int b = 0x80; b < 256; b++) {
            int32_t kl = inv->keylen[b];
            if (kl > best_len && i + kl <= dn) {
                int32_t k = 0;
                while (k < kl && inv->key[k][b] == d[i + k])
                    k++;
                if (k == kl)
                    best = b, best_len = kl;
            }
        }
        if (best >= 0) {
            dst[n++] = (char)best;
            i += best_len;
        } else {
            CHECK(d[i] < 0x80); /* every letter of the sample must be encodable */
            dst[n++] = (char)d[i++];
        }
    }
    return n;
}

static void
round_trip(const char *table, const char *text, enum px_encoding want)
{
    static struct inverse inv;
    char bytes[2048];
    load_inverse(table, &inv);
    size_t n = encode(&inv, text, bytes, sizeof bytes);
    CHECK_INT(conv(bytes, n, NULL), 0);
    CHECK_STR(out.ptr, text);
    CHECK_INT(enc, want);
}

/* TCVN3 has no upper-case toned letters: the sample keeps to what it has. */
static const char lower_sample[] =
    "Kế hoạch triển khai thực hiện Quyết định số 534/QĐ-TTg của Thủ tướng Chính phủ "
    "về đẩy mạnh chuyển đổi số, nâng cao hiệu quả công tác cải cách hành chính; "
    "Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành và Ủy ban nhân dân cấp huyện "
    "hoàn thành trước ngày 30 tháng 6 năm 2026. Ưu tiên nguồn lực, khuyến khích "
    "doanh nghiệp ứng dụng kỹ thuật mới; Đoàn kiểm tra ghi nhận kết quả.";

TEST(legacy_round_trips)
{
    round_trip("tcvn3",
               "kế hoạch triển khai thực hiện quyết định của thủ tướng chính phủ "
               "về đẩy mạnh chuyển đổi số, nâng cao hiệu quả; Đoàn kiểm tra ưu tiên",
               PX_ENC_TCVN3);
    round_trip("vni", lower_sample, PX_ENC_VNI);
    round_trip("vni", "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN\nKẾ HOẠCH TRIỂN KHAI THỰC HIỆN NĂM 2026",
               PX_ENC_VNI);
}

int
main(void)
{
    px_diag_init(&dg);
    RUN(validate);
    RUN(refusals);
    RUN(latin1_junk_refused);
    RUN(utf8_and_bom);
    RUN(utf16);
    RUN(windows_1258);
    RUN(windows_1258_long);
    RUN(legacy_known_bytes);
    RUN(legacy_round_trips);
    px_buf_release(&out);
    px_diag_release(&dg);
    return DONE();
}

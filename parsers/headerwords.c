/* headerwords — the column labels of plan tables, shared by every parser. */
#include "headerwords.h"

#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* Case-folded. "phối hợ" is the OCR slip that drops the last letter of "phối hợp". */
static const char *const header_words[] = {
    "tt",         "stt",      "số tt",   "số thứ tự",   "nhiệm vụ", "tên nhiệm vụ", "nội dung",
    "chủ trì",    "phối hợp", "phối hợ", "cơ quan",     "đơn vị",   "thời gian",    "thời hạn",
    "sản phẩm",   "kết quả",  "ghi chú", "trách nhiệm", "tiến độ",  "lộ trình",     "kinh phí",
    "hoàn thành", "chỉ tiêu", "dự kiến", "hình thức",
};

/* Case-fold into out (NBSP and tabs become spaces); returns the bytes written. */
static size_t
fold(const char *s, size_t len, char *out, size_t cap)
{
    int32_t i = 0, n = (int32_t)len, o = 0, ocap = (int32_t)cap;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0)
            continue;
        c = (c == 0xA0 || c == '\t') ? ' ' : u_foldCase(c, U_FOLD_CASE_DEFAULT);
        if (o + U8_LENGTH(c) > ocap)
            break;
        UBool err = 0;
        U8_APPEND(out, o, ocap, c, err);
        if (err)
            break;
    }
    return (size_t)o;
}

/* A label word ends the cell or is followed by a space or punctuation, not a letter. */
static int
ends_word(const char *f, size_t n, size_t k)
{
    return k == n || (f[k] != '\0' && strchr(" /,.:;()-\n", f[k]) != NULL);
}

int
px_header_cell(const char *text, size_t len)
{
    char f[64]; /* the longest label word fits; only the opening words matter */
    while (len && (*text == ' ' || *text == '\t' || *text == '\n'))
        text++, len--;
    size_t n = fold(text, len, f, sizeof f);
    for (size_t i = 0; i < sizeof header_words / sizeof header_words[0]; i++) {
        size_t k = strlen(header_words[i]);
        if (n >= k && memcmp(f, header_words[i], k) == 0 && ends_word(f, n, k))
            return 1;
    }
    return 0;
}

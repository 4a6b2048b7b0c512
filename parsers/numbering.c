/* numbering — numbering markers of plan paragraphs; see numbering.h. */
#include "numbering.h"

#include <string.h>

/* A title is short; a longer numbered paragraph is an item of running text. */
#define TITLE_MAX_BYTES 200

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A space after the marker: ASCII space/tab or U+00A0 (C2 A0). Returns its length or 0. */
static size_t
space_len(const char *s, size_t len, size_t i)
{
    if (i < len && (s[i] == ' ' || s[i] == '\t'))
        return 1;
    if (i + 1 < len && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    return 0;
}

/* The marker must be followed by spaces and then some text. */
static int
finish(const char *s, size_t len, size_t i, struct px_marker *m)
{
    size_t k, start = i;
    while ((k = space_len(s, len, i)) > 0)
        i += k;
    if (i == start || i >= len)
        return 0;
    m->text_off = i;
    return 1;
}

/* Roman numerals I..XXXIX are enough for the parts of a plan, and keep "C." or "L." out.
 * The numeral must be followed by its '.' or ')', so the order of the table does not matter. */
static size_t
roman_len(const char *s, size_t len)
{
    static const char *const romans[] = {
        "XXXVIII", "XXXVII", "XXVIII", "XXXIII", "XXXIV", "XXXIX", "XXXVI", "XXVII",
        "XXIII",   "XVIII",  "XXXII",  "XXXV",   "XXXI",  "XXIV",  "XXIX",  "XXVI",
        "XVII",    "XIII",   "XXII",   "VIII",   "XXX",   "XXV",   "XXI",   "XIV",
        "XIX",     "XVI",    "XII",    "VII",    "III",   "XX",    "XV",    "XI",
        "IX",      "VI",     "IV",     "II",     "X",     "V",     "I",
    };
    for (size_t k = 0; k < sizeof romans / sizeof romans[0]; k++) {
        size_t n = strlen(romans[k]);
        if (n <= len && memcmp(s, romans[k], n) == 0 && (n == len || s[n] == '.' || s[n] == ')'))
            return n;
    }
    return 0;
}

static int
parse_roman(const char *s, size_t len, struct px_marker *m)
{
    size_t n = roman_len(s, len);
    if (n == 0 || n >= len || (s[n] != '.' && s[n] != ')'))
        return 0;
    m->kind = PX_MARKER_ROMAN;
    m->num_len = n;
    m->depth = 1;
    return finish(s, len, n + 1, m);
}

/* "1." "1)" "1.1" "1.1." "1.2.3)": the first number up to 3 digits, the others up to 2. */
static int
parse_arabic(const char *s, size_t len, struct px_marker *m)
{
    size_t i = 0, parts = 0;
    for (;;) {
        size_t start = i, max = parts == 0 ? 3 : 2;
        while (i < len && is_digit(s[i]))
            i++;
        if (i == start || i - start > max)
            return 0;
        parts++;
        if (i + 1 < len && s[i] == '.' && is_digit(s[i + 1])) {
            i++;
            continue;
        }
        break;
    }
    size_t num_len = i;
    if (i < len && (s[i] == '.' || s[i] == ')'))
        i++;
    else if (parts == 1)
        return 0; /* a bare number opens ordinary text ("100% văn bản") */
    m->kind = parts == 1 ? PX_MARKER_ARABIC : PX_MARKER_DOTTED;
    m->num_len = num_len;
    m->depth = (int)parts;
    return finish(s, len, i, m);
}

/* "a)" "b." and the Vietnamese "đ)" (U+0111). */
static int
parse_letter(const char *s, size_t len, struct px_marker *m)
{
    size_t n = 0;
    if (len >= 1 && s[0] >= 'a' && s[0] <= 'z')
        n = 1;
    else if (len >= 2 && (unsigned char)s[0] == 0xC4 && (unsigned char)s[1] == 0x91)
        n = 2;
    if (n == 0 || n >= len || (s[n] != ')' && s[n] != '.'))
        return 0;
    m->kind = PX_MARKER_LETTER;
    m->num_len = n;
    m->depth = 1;
    return finish(s, len, n + 1, m);
}

static int
parse_bullet(const char *s, size_t len, struct px_marker *m)
{
    static const char *const bullets[] = {"-", "+", "\xE2\x80\xA2", "\xE2\x80\x93", "*"};
    for (size_t k = 0; k < sizeof bullets / sizeof bullets[0]; k++) {
        size_t n = strlen(bullets[k]);
        if (n < len && memcmp(s, bullets[k], n) == 0) {
            m->kind = PX_MARKER_BULLET;
            m->num_len = n;
            m->depth = 1;
            return finish(s, len, n, m);
        }
    }
    return 0;
}

int
px_marker_parse(const char *s, size_t len, struct px_marker *m)
{
    memset(m, 0, sizeof *m);
    if (parse_roman(s, len, m) || parse_arabic(s, len, m) || parse_letter(s, len, m) ||
        parse_bullet(s, len, m))
        return 1;
    memset(m, 0, sizeof *m);
    return 0;
}

int
px_marker_level(const struct px_marker *m)
{
    switch (m->kind) {
    case PX_MARKER_ROMAN:
        return 1;
    case PX_MARKER_ARABIC:
        return 2;
    case PX_MARKER_DOTTED:
        return 1 + m->depth;
    case PX_MARKER_LETTER:
        return 3;
    default:
        return 0;
    }
}

enum px_block_type
px_marker_block_type(const struct px_marker *m, const char *rest, size_t len, int bold)
{
    if (m->kind == PX_MARKER_NONE)
        return PX_BLOCK_PARAGRAPH;
    if (m->kind == PX_MARKER_BULLET)
        return PX_BLOCK_LIST_ITEM;
    if (bold)
        return PX_BLOCK_HEADING;
    while (len > 0 && (rest[len - 1] == ' ' || rest[len - 1] == '\n'))
        len--;
    if (len == 0 || len > TITLE_MAX_BYTES || memchr(rest, '\n', len))
        return PX_BLOCK_LIST_ITEM;
    char last = rest[len - 1];
    if (last == '.' || last == ';' || last == ':' || last == ',')
        return PX_BLOCK_LIST_ITEM;
    return PX_BLOCK_HEADING;
}

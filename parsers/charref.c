/* charref — XML characters and numeric references (see charref.h). */
#include "charref.h"

#include "banned.h"

size_t
px_charref_read(const char *p, const char *end, enum px_charref_dialect dialect, uint32_t *c)
{
    const char *q = p + 2; /* after "&#" */
    if (q > end)
        return 0;
    int hex = q < end && (*q == 'x' || (dialect == PX_CHARREF_HTML && *q == 'X'));
    q += hex;
    uint32_t v = 0;
    size_t digits = 0;
    for (; q < end && digits < 8; q++, digits++) {
        unsigned char d = (unsigned char)*q;
        if (d >= '0' && d <= '9')
            v = v * (hex ? 16 : 10) + (d - '0');
        else if (hex && ((d | 0x20) >= 'a' && (d | 0x20) <= 'f'))
            v = v * 16 + ((d | 0x20) - 'a' + 10);
        else
            break;
    }
    size_t max_digits = dialect == PX_CHARREF_HTML ? 7 : 8;
    if (digits == 0 || digits > max_digits || q >= end || *q != ';' || !px_is_xml_char(v))
        return 0;
    *c = v;
    return (size_t)(q + 1 - p);
}

/*
 * charref — XML's Char production and numeric character references
 * ("&#7843;", "&#x1EA3;"), shared by the plain-page HTML reader and the
 * DOCX part scanner, each of which must accept exactly what libxml2 would.
 *
 * Private to parsers/. Includes nothing from the project; no allocation, no
 * state.
 */
#ifndef PX_CHARREF_H
#define PX_CHARREF_H

#include <stddef.h>
#include <stdint.h>

/* Is c a character XML allows (the Char production)? Inline: the DOCX scanner asks it of
 * every character. */
static inline int
px_is_xml_char(uint32_t c)
{
    return (c >= 0x20 && c <= 0xD7FF) || c == 0x9 || c == 0xA || c == 0xD ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* What a dialect accepts: XML takes "&#x" only and up to 8 digits; libxml2's HTML parser
 * also takes "&#X" and gives up on 8 digits or more. */
enum px_charref_dialect { PX_CHARREF_XML, PX_CHARREF_HTML };

/*
 * The numeric reference at p ("&#…;", p < end): its code point in *c and the
 * bytes it takes (through the ';'), or 0 when it is not a complete reference
 * to an XML character in that dialect.
 */
size_t px_charref_read(const char *p, const char *end, enum px_charref_dialect dialect,
                       uint32_t *c);

#endif

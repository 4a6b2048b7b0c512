/*
 * encoding — turn input bytes into trusted UTF-8, or refuse them.
 *
 * Includes buf.h and diag.h. Used by parsers before they read text.
 *
 * Accepts UTF-8 (with or without BOM), UTF-16 with BOM, a declared charset
 * (HTML <meta charset>, windows-1258 through ICU converters, with combining
 * tone marks composed later by normalisation), and detects the legacy
 * Vietnamese font encodings TCVN3 (ABC) and VNI by character statistics,
 * converting them with mapping tables read from rules/encodings/.
 * Anything that cannot be trusted is refused with one PX_ERROR naming the
 * file, the line and the cause (e.g. "invalid UTF-8 byte 0xC3 at column 12").
 */
#ifndef PX_ENCODING_H
#define PX_ENCODING_H

#include "buf.h"
#include "diag.h"

#include <stddef.h>

enum px_encoding {
    PX_ENC_UTF8 = 0,
    PX_ENC_UTF8_BOM,
    PX_ENC_UTF16LE,
    PX_ENC_UTF16BE,
    PX_ENC_CP1258,
    PX_ENC_TCVN3,
    PX_ENC_VNI,
    PX_ENC_OTHER, /* a declared charset ICU knows */
};

/* Validate UTF-8. Returns 0 when valid, else -1 with *bad_off set to the first bad byte. */
int px_utf8_validate(const unsigned char *s, size_t len, size_t *bad_off);

/*
 * Produce UTF-8 text from data[0..len). `declared` is a charset name from
 * the container (HTML meta, HTTP-equiv) or NULL. On success returns 0,
 * fills out (cleared first) and *enc; when the input is already valid
 * UTF-8 without BOM, out receives a copy (the common case costs one memcpy).
 * A UTF-8 BOM is stripped: out is the text after it, so offsets into out are
 * offsets into data minus 3 (callers that cite data add 3). Converted input
 * (UTF-16, a declared charset, TCVN3/VNI) is composed to NFC; offsets into
 * out then refer to the converted text, not to data.
 * Success after a conversion adds one PX_NOTE ("converted from TCVN3").
 * On failure reports one PX_ERROR for `file` into dg and returns -1.
 */
int px_to_utf8(const char *file, const unsigned char *data, size_t len, const char *declared,
               struct px_buf *out, enum px_encoding *enc, struct px_diag *dg);

const char *px_encoding_name(enum px_encoding enc);

#endif

/* parse — format sniffing and dispatch to the parser of each format. */
#include "parse.h"

#include <string.h>
#include <strings.h>

static int
has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);
    return n > k && path[n - k - 1] == '.' && strcasecmp(path + n - k, ext) == 0;
}

/* Skip a BOM and leading whitespace, then look for markup that only HTML starts with. */
static int
looks_like_html(const unsigned char *d, size_t len)
{
    size_t i = 0;
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        i = 3;
    while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    static const char *const starts[] = {"<!doctype html", "<html", "<?xml", "<head", "<meta"};
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
        size_t n = strlen(starts[k]);
        if (len - i >= n && strncasecmp((const char *)d + i, starts[k], n) == 0)
            return 1;
    }
    return 0;
}

enum px_format
px_sniff_format(const char *path, const unsigned char *data, size_t len)
{
    if (len >= 4 && data[0] == 'P' && data[1] == 'K' && data[2] == 3 && data[3] == 4)
        return PX_FMT_DOCX;
    if (looks_like_html(data, len))
        return PX_FMT_HTML;
    if (path && has_ext(path, "docx"))
        return PX_FMT_DOCX;
    if (path && (has_ext(path, "html") || has_ext(path, "htm")))
        return PX_FMT_HTML;
    return PX_FMT_TEXT;
}

int
px_parse(struct px_doc *doc, struct px_diag *dg)
{
    if (doc->format == PX_FMT_UNKNOWN)
        doc->format = px_sniff_format(doc->path, doc->src, doc->src_len);
    switch (doc->format) {
    case PX_FMT_HTML:
        return px_parse_html(doc, dg);
    case PX_FMT_DOCX:
        return px_parse_docx(doc, dg);
    default:
        return px_parse_text(doc, dg);
    }
}

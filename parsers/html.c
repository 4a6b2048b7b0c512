/* Placeholder: this module is being written; every entry point reports that. */
#include "parse.h"
int
px_parse_html(struct px_doc *doc, struct px_diag *dg)
{
    px_diag_report(dg, PX_ERROR, doc->path, 0, 0, "HTML parser not available in this build");
    return -1;
}

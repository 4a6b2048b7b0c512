/* Placeholder: this module is being written; every entry point reports that. */
#include "parse.h"
int
px_parse_text(struct px_doc *doc, struct px_diag *dg)
{
    px_diag_report(dg, PX_ERROR, doc->path, 0, 0, "text parser not available in this build");
    return -1;
}

/*
 * dump — the block stream as JSON Lines: the deterministic text form of a
 * parsed (or normalised) document, printed by `planex parse --dump=blocks`.
 *
 * Includes doc.h and jansson. Used by the CLI, the tests and the fuzz
 * targets.
 *
 * One JSON object per block, in document order:
 *   {"type":"heading","level":2,"number":"3","text":"…","span":{…}}
 *   {"type":"table","rows":[{"header":true,"cells":[{"text":"…","span":{…}}]}],"span":{…}}
 * where span is {"line":L,"byte":B,"len":N} in the input as read. "level"
 * and "number" appear when the block has them, "locator" when set, a row's
 * "continuation":true when it was joined from a page-break continuation,
 * and "bold"/"caps"/"italic":true for the block flags.
 *
 * Ownership: returned json_t objects are new references; the caller
 * json_decref()s them.
 */
#ifndef PX_DUMP_H
#define PX_DUMP_H

#include "doc.h"

#include <jansson.h>
#include <stdio.h>

json_t *px_span_json(const struct px_span *s);
json_t *px_block_json(const struct px_block *b);

/* Print every block of doc, one JSON object per line. Returns 0, or -1 on a write error. */
int px_dump_blocks(FILE *f, const struct px_doc *doc);

#endif

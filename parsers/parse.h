/*
 * parse — the parsers: bytes of one input in, one block stream out.
 *
 * Includes pipeline/doc.h and pipeline/diag.h. Used by the CLI, the tests
 * and the fuzz targets; parsers do no file I/O, so a fuzzer calls exactly
 * what the CLI calls.
 *
 * Contract shared by every parser:
 *   - doc was set up with px_doc_init(doc, path, fmt, data, len); the parser
 *     appends blocks to it (arena-owned) and reads doc->src only;
 *   - bad input (malformed UTF-8, a binary file, an empty file, a truncated
 *     or hostile zip/XML, an untrusted encoding) is reported into dg as one
 *     PX_ERROR naming doc->path, the line (or part/paragraph) and the cause,
 *     and the parser returns -1; the caller then stores nothing for the file;
 *   - recoverable oddities are PX_WARNING and the parser returns 0;
 *   - block text is UTF-8, inline markup removed; normalisation is a later
 *     stage (pipeline/normalize.h), so parsers keep the characters as read.
 */
#ifndef PX_PARSE_H
#define PX_PARSE_H

#include "../pipeline/diag.h"
#include "../pipeline/doc.h"

/* Converter text: markdown-ish headings, pipe/tab tables, HTML fragments, LaTeX. */
int px_parse_text(struct px_doc *doc, struct px_diag *dg);
/* Portal or office-exported HTML (libxml2 HTML parser, network off). */
int px_parse_html(struct px_doc *doc, struct px_diag *dg);
/* Word .docx (libzip + xmlTextReader). */
int px_parse_docx(struct px_doc *doc, struct px_diag *dg);

/* Guess the format from the bytes first (zip magic, "<html"/"<!DOCTYPE"), then the extension. */
enum px_format px_sniff_format(const char *path, const unsigned char *data, size_t len);

/*
 * Post-pass shared by every parser (parsers/tables.c): a table split across
 * page breaks comes out as one table. A table that starts with the same
 * header rows as the table before it (nothing but blank space between) is
 * appended to it without its repeated header; a data row whose number cell
 * (first column) is empty continues the previous data row, cell by cell,
 * joined with one space; the row keeps row->continuation = 1. Section rows
 * (a heading in the number cell or spanning the row) are kept as rows.
 */
void px_tables_merge_pages(struct px_doc *doc);

/* Sniff (unless doc->format is set) and run the right parser. */
int px_parse(struct px_doc *doc, struct px_diag *dg);

#endif

/*
 * headerwords — is a table cell a column label ("TT", "Nội dung công việc",
 * "Cơ quan chủ trì", "Thời gian hoàn thành" …)?
 *
 * Private to parsers/: the text, HTML and DOCX parsers flag header rows with
 * the same word list, so a table gets the same header rows whatever format it
 * came in. Each parser keeps its own row policy (how many cells must be labels).
 * Includes nothing from the project; no allocation, no state.
 */
#ifndef PX_HEADERWORDS_H
#define PX_HEADERWORDS_H

#include <stddef.h>

/* Longest cell (bytes) the HTML and DOCX row policies take for a label. */
#define PX_HEADER_CELL_MAX 80

/*
 * Does text[0..len) open with a header word (case-insensitive, whole words:
 * "Số TT", "Cơ quan chủ trì", "Phối hợ" as OCR drops a last letter)?
 */
int px_header_cell(const char *text, size_t len);

#endif

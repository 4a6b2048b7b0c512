/*
 * deadline — the "Thời gian thực hiện" of a task, as data (spec Deadlines).
 *
 * Includes arena.h, diag.h, extract.h (struct px_deadline), normalize.h and
 * rules.h. Used by extraction.
 *
 * The phrasings are the `@deadline.*` records of rules/deadlines.rules. Each
 * has `kind:` (date | period | recurring | continuous | as_required), an
 * optional `calc:` naming how its groups become start/end (see the table in
 * deadline.c: date, before-month, month, quarter, half, year, years,
 * by-year-end, start-year), an optional `open: start` (the phrase gives an
 * end only: "Đến hết Quý II/2027"), an optional fixed `every:`, and patterns with
 * named groups d, m, y, y2 (numbers), q (quarter, Roman or digit), h
 * ("đầu"/"cuối"), every (frequency words, mapped by the `@every.*` records)
 * and raw (the words to keep as raw when searching running text). A missing
 * year is the first year written after the match, else the document's year.
 *
 * Where a cell holds several deadlines the leftmost match wins (reading
 * order); at one position the record earlier in the file wins.
 *
 * Ownership: out->raw is arena-owned (the arena passed in); rule, kind and
 * every strings are static or owned by the ruleset.
 */
#ifndef PX_DEADLINE_H
#define PX_DEADLINE_H

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "normalize.h"
#include "rules.h"

/*
 * Parse a table cell or role-line value. doc_year (0 if unknown) stands in
 * for a year the text leaves out. out->present = 1 and out->raw = raw;
 * a phrasing no rule knows is kind PX_DL_UNKNOWN. Returns 0, or -1 when
 * normalisation failed (reported).
 */
int px_deadline_parse(const struct px_ruleset *rs, struct px_normalizer *nz, const char *raw,
                      int doc_year, struct px_arena *a, struct px_deadline *out);

/*
 * Look for a deadline stated in running text (the duties under a body agency
 * heading): only the records marked `scope: text` take part — a date ("hoàn
 * thành trước ngày 05/5/2026") or a sentence that opens with a year ("Năm
 * 2025, phấn đấu …"). Frequency words alone give nothing. Returns 1 with out
 * filled (raw = the words matched), 0 when none (out->present = 0), -1 on a
 * normalisation failure.
 */
int px_deadline_find_in_text(const struct px_ruleset *rs, struct px_normalizer *nz,
                             const char *text, size_t len, int doc_year, struct px_arena *a,
                             struct px_deadline *out);

#endif

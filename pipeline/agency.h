/*
 * agency — split a cell or heading into agency names and canonicalise them.
 *
 * Includes arena.h, diag.h, normalize.h and extract.h (for struct
 * px_strlist). Used by extraction; the CLI may use the province helpers.
 *
 * Data (read at run time from rules_dir, never compiled in):
 *   - agencies.tsv: `canonical<TAB>kind<TAB>alias|alias|…`; kind is body,
 *     person or group. A name written with a province's name where the
 *     table says "tỉnh" matches too ("Công an tỉnh Nghệ An").
 *   - agency-words.tsv: word lists (abbreviations and their expansions,
 *     head words, offices, duty words, prepositions); see its header.
 *   - provinces.tsv: `standard name<TAB>kind<TAB>era<TAB>alias|…`: the provinces and
 *     cities, current and former, in standard spelling. When the plan's
 *     province is a centrally-run city (kind thanh_pho), the `city-level`
 *     words of agency-words.tsv stand for "tỉnh" in the table's names
 *     ("Thanh tra thành phố" -> "Thanh tra tỉnh").
 *
 * Inputs are normalised text (normalize.h PX_NORM_TEXT). Names compare on
 * key text (case-folded), so case and tone placement in the tables do not
 * matter; output keeps the table's capitalisation, or the text's for names
 * the table does not know.
 *
 * Ownership: a struct px_agencies owns its tables (caller frees with
 * px_agencies_free). Strings returned by the px_province_* helpers are
 * borrowed from it. Split results are arena-owned by the arena passed in.
 * Not thread-safe: it keeps the texts it has read (expanded and tokenised,
 * by content) so that reading one again is free; one per thread, like the
 * normaliser. px_agencies_forget drops them (extraction does after each
 * document); it never holds more than a few megabytes of them.
 */
#ifndef PX_AGENCY_H
#define PX_AGENCY_H

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "normalize.h"

#include <stddef.h>

struct px_agencies;

/*
 * Load agency-words.tsv, agencies.tsv and provinces.tsv from rules_dir. A malformed line
 * is reported (PX_WARNING with file and line) and skipped. Returns NULL when
 * a file cannot be read (reported). Caller frees with px_agencies_free.
 */
struct px_agencies *px_agencies_new(const char *rules_dir, struct px_normalizer *nz,
                                    struct px_diag *dg);
void px_agencies_free(struct px_agencies *ag);
/* SHA-256 (hex) of the three tables as read: equal digests, equal tables. Owned by ag. */
const char *px_agencies_digest(const struct px_agencies *ag);
/* Drop the texts read so far (see above). Results do not depend on it. */
void px_agencies_forget(const struct px_agencies *ag);

/*
 * Split text[0..len) (a "Chủ trì"/"Phối hợp" cell, a role line or a body
 * heading's agency part) into canonical agency names, in order of
 * appearance, without duplicates, appended to out (out->present is set to
 * 1; an empty text gives an empty list). province is the plan's province
 * (standard spelling) or NULL; its name inside a body's name becomes
 * "tỉnh". Strings are arena-owned by a. Returns the number of names added.
 */
int px_agencies_split(const struct px_agencies *ag, struct px_normalizer *nz, const char *text,
                      size_t len, const char *province, struct px_arena *a, struct px_strlist *out);

/*
 * Like px_agencies_split for a "Chủ trì" cell that names partners as well:
 * "Sở Kế hoạch và Đầu tư phối hợp Sở Tài chính" adds the Sở before
 * "phối hợp (với)" to leads and the ones after it (up to the next ';' or
 * line) to partners (px_agencies_split drops them). partners may be NULL.
 * Returns the number of leads added.
 */
int px_agencies_split_roles(const struct px_agencies *ag, struct px_normalizer *nz,
                            const char *text, size_t len, const char *province, struct px_arena *a,
                            struct px_strlist *leads, struct px_strlist *partners);

/*
 * One name -> its canonical form (abbreviations expanded, the province
 * replaced by "tỉnh", collective groups folded), or the name as written
 * (trimmed, trailing punctuation dropped) when the table does not know it.
 * Arena-owned by a.
 */
char *px_agency_canonical(const struct px_agencies *ag, struct px_normalizer *nz, const char *name,
                          size_t len, const char *province, struct px_arena *a);

/*
 * Length in bytes of a leading agency list in a body heading or item,
 * e.g. "Sở Văn hóa, Thể thao và Du lịch; Báo và Phát thanh, Truyền hình
 * tỉnh: Chủ trì, …" -> the bytes before ':'. The list must start with a
 * known agency, an abbreviation, a head word (Sở, Ban, Ủy ban nhân dân, …),
 * a collective ("Các sở, …") or an office ("Giám đốc", "Thủ trưởng", …) and
 * end at a colon, at " - ", at a comma followed by a duty, at a duty verb
 * ("chủ trì", "chịu trách nhiệm", "tham mưu", …) or at the end of the
 * text. Trailing separators are not counted. 0 when the text does not
 * open with agencies.
 */
size_t px_agencies_lead_len(const struct px_agencies *ag, struct px_normalizer *nz,
                            const char *text, size_t len);

/*
 * Byte length of a head word dangling at the end of text ("… ở các cấp
 * Sở", "… UBND"), 0 when there is none: the converter broke a name across a
 * cell or line boundary. The caller moves those bytes to the front of the
 * next piece (joined with a space) when that piece does not start an
 * agency of its own. px_agencies_split ignores such a trailing head.
 */
size_t px_agencies_dangling_head(const struct px_agencies *ag, struct px_normalizer *nz,
                                 const char *text, size_t len);

/*
 * The first province or centrally-run city named in text, as its standard
 * name from provinces.tsv ("Thanh Hoá" -> "Thanh Hóa", "TP. Hồ Chí Minh"
 * -> "Thành phố Hồ Chí Minh"). Names match on word boundaries only.
 * Borrowed from ag; NULL when none is named.
 */
const char *px_province_find(const struct px_agencies *ag, struct px_normalizer *nz,
                             const char *text, size_t len);

/* The standard spelling of one province name ("Thanh Hoá" -> "Thanh Hóa"), or NULL. */
const char *px_province_standard(const struct px_agencies *ag, struct px_normalizer *nz,
                                 const char *name, size_t len);

#endif

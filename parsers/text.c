/*
 * text — converter text (PDF/OCR to markdown-ish text) to the block stream.
 *
 * One pass over the lines. Text lines become pending blocks (a heading, a
 * numbered or bulleted item, a footnote, a paragraph); a line that starts
 * with a lower-case letter continues the last paragraph or item, even
 * across blank lines and footnotes (a page break). Pipe and tab lines
 * become table rows. Pending blocks are written to the document at the end,
 * then tables split over pages are merged (tables.c).
 */
#include "parse.h"

#include "../pipeline/encoding.h"
#include "headerwords.h"
#include "inline.h"
#include "numbering.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A caps or bold line longer than this is running text, not a title. */
#define TITLE_MAX_BYTES 400

/* A line at least this long (in characters) that does not end a clause was cut by
 * the converter's hard wrap (PDF text wraps at 80-100 columns). */
#define WRAP_MIN_CHARS 60

/* A page ends with a few footnotes at most; looking further back past them would be
 * quadratic on hostile input. */
#define FOOTNOTE_LOOKBACK 16

struct line {
    size_t start, end; /* content without the line break (and without a final '\r') */
    uint32_t no;       /* 1-based */
};

struct pending {
    struct px_inline in;
    struct px_table *table; /* non-NULL: a table; the rest is unused */
    int md_level;           /* "#" count, 0 when not a markdown heading */
    struct px_marker mk;
    uint64_t num_off; /* the marker's number in the source */
    int footnote;
    char fn_number[16];
    int bold_start, bold_end, bold_open, italic;
    struct px_span span;
    uint64_t end; /* source offset after the last line */
};

/* A table of `pdftotext -layout` text: columns aligned with spaces (see layout_line). */
#define LAYOUT_MAX_COLS 12

struct layout {
    int on;
    size_t ncols;
    size_t bound[LAYOUT_MAX_COLS]; /* first display column of each table column */
    size_t pending;                /* index of the table's pending block */
    int in_header;                 /* header lines are still coming (no blank line yet) */
    struct px_row *header;         /* the header row being filled */
    struct px_inline cell[LAYOUT_MAX_COLS];
    int row_open;
    struct px_span row_span;
    uint64_t row_end;
    struct px_span cell_span[LAYOUT_MAX_COLS];
};

struct text_parser {
    struct px_doc *doc;
    const char *src;
    size_t len;
    struct pending *p;
    size_t n, cap;
    int blank_since;        /* a blank line since the last text line */
    struct px_table *table; /* the table being filled, or NULL */
    int table_tabs;         /* the open table is tab separated (else pipes) */
    int table_sep_seen;     /* a pipe separator line was seen in the open table */
    int table_data_seen;    /* a data row was seen in the open table */
    struct px_inline scratch;
    int wrap_open; /* the last text line was cut by a hard wrap: the next line may go on */
    struct layout lay;
};

/* A form feed (a page break in converter text) is white space like a tab. */
static int
is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

static void
trim(const char *s, size_t *a, size_t *b)
{
    while (*a < *b && is_blank_char(s[*a]))
        (*a)++;
    while (*b > *a && is_blank_char(s[*b - 1]))
        (*b)--;
}

static int
starts_with(const char *s, size_t a, size_t b, const char *lit)
{
    size_t n = strlen(lit);
    return b - a >= n && memcmp(s + a, lit, n) == 0;
}

/* ---- pending blocks ---- */

static struct pending *
add_pending(struct text_parser *tp)
{
    if (tp->n == tp->cap) {
        tp->cap = tp->cap ? tp->cap * 2 : 64;
        tp->p = px_xrealloc(tp->p, tp->cap * sizeof *tp->p);
    }
    struct pending *pb = &tp->p[tp->n++];
    memset(pb, 0, sizeof *pb);
    px_inline_init(&pb->in);
    return pb;
}

/* The text block a lower-case line continues: the last item or paragraph, looking past
 * footnotes only when a blank line (a page break) came between. */
static struct pending *
continuation_target(struct text_parser *tp, int blank)
{
    size_t stop = tp->n > FOOTNOTE_LOOKBACK ? tp->n - FOOTNOTE_LOOKBACK : 0;
    for (size_t k = tp->n; k-- > stop;) {
        struct pending *pb = &tp->p[k];
        if (pb->table || pb->md_level)
            return NULL;
        if (pb->footnote && blank)
            continue;
        return pb;
    }
    return NULL;
}

/* Count "**" pairs: an odd count toggles the open-bold state of a block. */
static int
count_bold_marks(const char *s, size_t a, size_t b)
{
    int n = 0;
    for (size_t i = a; i + 1 < b; i++)
        if (s[i] == '*' && s[i + 1] == '*') {
            n++;
            i++;
        }
    return n;
}

static void
note_line_emphasis(struct pending *pb, const char *s, size_t a, size_t b, int first)
{
    if (first) {
        pb->bold_start = starts_with(s, a, b, "**");
        pb->italic = !pb->bold_start && starts_with(s, a, b, "*");
    }
    pb->bold_end = b - a >= 2 && s[b - 1] == '*' && s[b - 2] == '*';
    if (pb->italic && !(b > a && s[b - 1] == '*'))
        pb->italic = 0;
    pb->bold_open ^= count_bold_marks(s, a, b) & 1;
}

static void
append_line(struct text_parser *tp, struct pending *pb, const struct line *ln, size_t a, size_t b)
{
    px_inline_rtrim(&pb->in);
    if (pb->in.text.len > 0)
        px_inline_replace(&pb->in, " ", 1, a, ln->no);
    note_line_emphasis(pb, tp->src, a, b, 0);
    px_inline_render(&pb->in, tp->src, a, b, ln->no);
    pb->end = b;
}

/* A new block: its span starts at block_at (with any "#"), emphasis is read from a. */
static void
start_block(struct text_parser *tp, struct pending *pb, const struct line *ln, size_t block_at,
            size_t a, size_t b, size_t text_at)
{
    pb->span.line = ln->no;
    pb->span.byte = block_at;
    pb->end = b;
    note_line_emphasis(pb, tp->src, a, b, 1);
    px_inline_render(&pb->in, tp->src, text_at, b, ln->no);
}

/* ---- line kinds ---- */

/* "# Title" .. "###### Title": the level, with *a moved past the hashes and spaces. */
static int
markdown_level(const char *s, size_t *a, size_t b)
{
    size_t i = *a;
    while (i < b && s[i] == '#')
        i++;
    int level = (int)(i - *a);
    if (level < 1 || level > 6 || i >= b || !is_blank_char(s[i]))
        return 0;
    while (i < b && is_blank_char(s[i]))
        i++;
    *a = i;
    return level;
}

/* Superscript digits (¹²³⁰⁴-⁹) opening a footnote: ASCII digits into num, returns bytes used. */
static size_t
superscript_number(const char *s, size_t a, size_t b, char *num, size_t cap)
{
    size_t i = a, k = 0;
    for (;;) {
        const unsigned char *u = (const unsigned char *)s + i;
        int d = -1;
        size_t w = 0;
        if (b - i >= 2 && u[0] == 0xC2 && (u[1] == 0xB9 || u[1] == 0xB2 || u[1] == 0xB3)) {
            d = u[1] == 0xB9 ? 1 : u[1] == 0xB2 ? 2 : 3;
            w = 2;
        } else if (b - i >= 3 && u[0] == 0xE2 && u[1] == 0x81 &&
                   (u[2] == 0xB0 || (u[2] >= 0xB4 && u[2] <= 0xB9))) {
            d = u[2] - 0xB0;
            w = 3;
        }
        if (d < 0 || k + 1 >= cap)
            break;
        num[k++] = (char)('0' + d);
        i += w;
    }
    num[k] = '\0';
    return k ? i - a : 0;
}

/* "¹ text" or "[^1]: text": 1 with the text start in *text_at. */
static int
footnote_marker(const char *s, size_t a, size_t b, char *num, size_t cap, size_t *text_at)
{
    size_t i = a + superscript_number(s, a, b, num, cap);
    if (i == a && starts_with(s, a, b, "[^")) {
        size_t k = 0;
        i = a + 2;
        while (i < b && s[i] >= '0' && s[i] <= '9' && k + 1 < cap)
            num[k++] = s[i++];
        num[k] = '\0';
        if (k == 0 || i >= b || s[i] != ']')
            return 0;
        i++;
        if (i < b && s[i] == ':')
            i++;
    }
    if (i == a || i >= b || !is_blank_char(s[i]))
        return 0;
    while (i < b && is_blank_char(s[i]))
        i++;
    *text_at = i;
    return i < b;
}

static int
starts_lower(const char *s, size_t a, size_t b)
{
    while (a < b && s[a] == '*')
        a++;
    if (a >= b)
        return 0;
    UChar32 c;
    int32_t i = 0, n = (int32_t)(b - a > 8 ? 8 : b - a);
    U8_NEXT((const uint8_t *)s + a, i, n, c);
    return c >= 0 && u_islower(c);
}

/* Upper case with at least two letters (and no lower-case letter). */
static int
is_caps_range(const char *t, size_t a, size_t b)
{
    int32_t i = 0, n = (int32_t)(b - a), letters = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT((const uint8_t *)t + a, i, n, c);
        if (c < 0 || u_islower(c))
            return 0;
        letters += u_isupper(c) != 0;
    }
    return letters >= 2;
}

/*
 * Does the text line a..b start like a labelled field: a short label (a capital
 * letter, then at most LABEL_MAX_WORDS words of letters) and a colon, as in
 * "Đơn vị phối hợp: ..." or "Thời gian thực hiện: ..."? Such a line opens a
 * block of its own, never the rest of a line cut by a hard wrap.
 */
static int
labelled_field(const char *s, size_t a, size_t b)
{
    enum { LABEL_MAX_WORDS = 6 };
    const uint8_t *u = (const uint8_t *)s;
    int32_t i = (int32_t)a, n = (int32_t)b;
    int words = 0, in_word = 0, first = 1;
    while (i < n) {
        UChar32 c;
        U8_NEXT(u, i, n, c);
        if (c < 0)
            return 0;
        if (c == ':')
            return words > 0 && !first && (i >= n || u[i] == ' ' || u[i] == '\t');
        if (c == ' ') {
            in_word = 0;
            continue;
        }
        if (!u_isalpha(c) || (first && !u_isupper(c)))
            return 0;
        first = 0;
        if (!in_word && ++words > LABEL_MAX_WORDS)
            return 0;
        in_word = 1;
    }
    return 0;
}

/*
 * Does the text line a..b look cut by a hard wrap (a PDF converter that keeps
 * the page's line breaks)? Long, not ending a sentence or a clause, not a
 * line of side-by-side columns and not a title in capitals.
 */
static int
hard_wrapped(const char *s, size_t a, size_t b)
{
    size_t chars = 0;
    int spaces = 0;
    for (size_t i = a; i < b; i++) {
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
        spaces = s[i] == ' ' ? spaces + 1 : 0;
        if (spaces >= 3)
            return 0;
    }
    if (chars < WRAP_MIN_CHARS || b == a)
        return 0;
    char last = s[b - 1];
    if (last == '.' || last == ';' || last == ':' || last == '!' || last == '?')
        return 0;
    return !is_caps_range(s, a, b);
}

static void
text_line(struct text_parser *tp, const struct line *ln)
{
    size_t a = ln->start, b = ln->end;
    trim(tp->src, &a, &b);
    size_t block_at = a;
    int md = markdown_level(tp->src, &a, b);
    size_t m = a;
    if (starts_with(tp->src, m, b, "**"))
        m += 2;
    struct px_marker mk;
    char num[16];
    size_t text_at;
    int blank = tp->blank_since;
    int wrap_before = tp->wrap_open && !blank;
    tp->blank_since = 0;
    tp->wrap_open = !md && hard_wrapped(tp->src, a, b);

    if (!md && footnote_marker(tp->src, m, b, num, sizeof num, &text_at)) {
        struct pending *pb = add_pending(tp);
        pb->footnote = 1;
        memcpy(pb->fn_number, num, sizeof num);
        start_block(tp, pb, ln, block_at, a, b, text_at);
        return;
    }
    int marked = px_marker_parse(tp->src + m, b - m, &mk);
    if (!md && !marked) {
        struct pending *into = NULL;
        if (starts_lower(tp->src, a, b))
            into = continuation_target(tp, blank);
        else if (!blank && tp->n > 0 && !tp->p[tp->n - 1].table && tp->p[tp->n - 1].bold_open)
            into = &tp->p[tp->n - 1];
        else if (wrap_before && tp->n > 0 && !tp->p[tp->n - 1].table &&
                 !tp->p[tp->n - 1].md_level && !is_caps_range(tp->src, a, b) &&
                 !labelled_field(tp->src, a, b))
            into = &tp->p[tp->n - 1]; /* the line after a hard wrap goes on */
        if (into) {
            append_line(tp, into, ln, a, b);
            return;
        }
    }
    struct pending *pb = add_pending(tp);
    pb->md_level = md;
    if (marked) {
        pb->mk = mk;
        pb->num_off = m;
        text_at = m + mk.text_off;
    } else {
        text_at = a;
    }
    start_block(tp, pb, ln, block_at, a, b, text_at);
}

/* ---- tables ---- */

static int
is_pipe_separator(const char *s, size_t a, size_t b)
{
    int dash = 0;
    for (size_t i = a; i < b; i++) {
        if (s[i] == '-')
            dash = 1;
        else if (s[i] != '|' && s[i] != ':' && !is_blank_char(s[i]))
            return 0;
    }
    return dash;
}

static size_t
count_tab_fields(const char *s, size_t a, size_t b)
{
    size_t n = 1;
    for (size_t i = a; i < b; i++)
        n += s[i] == '\t';
    return n;
}

/* A header row: at least half of its non-empty cells open with a header word. */
static int
is_header_row(struct text_parser *tp, const struct px_row *r)
{
    size_t filled = 0, words = 0;
    for (size_t k = 0; k < r->ncells; k++) {
        const char *t = r->cells[k].text;
        if (!*t)
            continue;
        filled++;
        words += px_header_cell(t, strlen(t));
    }
    return filled > 0 && words * 2 >= filled;
}

static void
add_cell(struct text_parser *tp, struct px_row *r, const struct line *ln, size_t a, size_t b)
{
    trim(tp->src, &a, &b);
    struct px_cell *c = px_row_add_cell(tp->doc, r, NULL, 0);
    px_inline_clear(&tp->scratch);
    px_inline_render(&tp->scratch, tp->src, a, b, ln->no);
    px_inline_rtrim(&tp->scratch);
    c->span = (struct px_span){ln->no, a, b - a};
    px_inline_attach(tp->doc, &tp->scratch, a, &c->text, &c->map);
}

/* Split a row at its separator (an unescaped '|', or '\t'). */
static void
split_cells(struct text_parser *tp, struct px_row *r, const struct line *ln, size_t a, size_t b,
            char sep)
{
    size_t cell = a;
    for (size_t i = a; i <= b; i++) {
        if (i < b && (tp->src[i] != sep || (sep == '|' && i > a && tp->src[i - 1] == '\\')))
            continue;
        add_cell(tp, r, ln, cell, i);
        cell = i + 1;
    }
}

static void
open_table(struct text_parser *tp, int tabs, const struct line *ln, size_t a)
{
    struct pending *pb = add_pending(tp);
    pb->table = px_table_new(tp->doc);
    pb->span.line = ln->no;
    pb->span.byte = a;
    tp->table = pb->table;
    tp->table_tabs = tabs;
    tp->table_sep_seen = tp->table_data_seen = 0;
}

static void
table_line(struct text_parser *tp, const struct line *ln, int tabs)
{
    size_t a = ln->start, b = ln->end;
    if (!tabs) {
        trim(tp->src, &a, &b);
        if (is_pipe_separator(tp->src, a, b)) {
            if (tp->table && !tp->table_tabs)
                tp->table_sep_seen = 1;
            return;
        }
    } else {
        while (b > a && tp->src[b - 1] == ' ')
            b--;
    }
    if (!tp->table || tp->table_tabs != tabs)
        open_table(tp, tabs, ln, a);
    struct px_row *r = px_table_add_row(tp->doc, tp->table);
    r->span = (struct px_span){ln->no, a, b - a};
    if (!tabs) { /* the outer pipes do not delimit cells */
        a++;
        if (b > a && tp->src[b - 1] == '|' && tp->src[b - 2] != '\\')
            b--;
    }
    split_cells(tp, r, ln, a, b, tabs ? '\t' : '|');
    if (r->ncells > tp->table->ncols)
        tp->table->ncols = r->ncells;
    if (!tabs && !tp->table_sep_seen && (tp->table->nrows == 1 || is_header_row(tp, r)))
        r->header = 1; /* rows above the "|---|" line */
    else if (!tp->table_data_seen && is_header_row(tp, r))
        r->header = 1;
    if (!r->header)
        tp->table_data_seen = 1;
    struct pending *pb = &tp->p[tp->n - 1];
    pb->end = ln->end;
}

/* ---- space-aligned tables (pdftotext -layout) ---- */

/*
 * `pdftotext -layout` prints a table as text placed where it stood on the
 * page: the cells of a row side by side, separated by runs of spaces, and a
 * cell that wraps goes on in the same columns on the following lines. The
 * header line names the columns ("Số TT   Nội dung nhiệm vụ   Cơ quan chủ trì
 * …", at least LAYOUT_MIN_HEADS header words); its pieces give the columns.
 * A piece belongs to the column it starts in: column k begins right after
 * the header text of column k-1 ends, so a centred header and a left-aligned
 * body agree. Header lines go on until a blank line (a header cell wraps
 * too); after them, a line whose first column holds a number ("1", "IV",
 * "a") opens a row, a line with an empty first column continues the row in
 * each column it fills, and a line with other text in the first column ends
 * the table. A repeated header (the next page) opens a new table block, so
 * px_tables_merge_pages joins the parts and the continuation row.
 */

#define LAYOUT_MIN_HEADS 3
#define LAYOUT_MAX_PIECES 24

struct piece {
    size_t a, b;     /* bytes */
    size_t col, end; /* display columns (code points from the line start) */
};

/* The line's pieces: text separated by two or more blanks. Returns the count. */
static size_t
line_pieces(const char *s, size_t a, size_t b, struct piece *pc, size_t cap)
{
    size_t n = 0, col = 0, i = a;
    while (i < b && s[i] == '\f')
        i++;
    while (i < b) {
        while (i < b && is_blank_char(s[i])) {
            i++;
            col++;
        }
        if (i >= b)
            break;
        if (n == cap)
            return n;
        pc[n].a = i;
        pc[n].col = col;
        size_t last = i, last_col = col;
        while (i < b) {
            if (is_blank_char(s[i]) && (i + 1 >= b || is_blank_char(s[i + 1])))
                break;
            if (!is_blank_char(s[i])) {
                last = i;
                last_col = col;
            }
            i++;
            while (i < b && ((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
            col++;
        }
        size_t e = last + 1;
        while (e < b && ((unsigned char)s[e] & 0xC0) == 0x80)
            e++;
        pc[n].b = e;
        pc[n].end = last_col + 1;
        n++;
    }
    return n;
}

/* A header line of a space-aligned table: most pieces open with a header word. */
static size_t
layout_header(struct text_parser *tp, const struct line *ln, struct piece *pc)
{
    const char *s = tp->src;
    if (memchr(s + ln->start, '|', ln->end - ln->start) ||
        memchr(s + ln->start, '\t', ln->end - ln->start))
        return 0;
    size_t n = line_pieces(s, ln->start, ln->end, pc, LAYOUT_MAX_PIECES);
    if (n < LAYOUT_MIN_HEADS + 1 || n > LAYOUT_MAX_COLS)
        return 0;
    size_t heads = 0;
    for (size_t k = 0; k < n; k++)
        heads += px_header_cell(s + pc[k].a, pc[k].b - pc[k].a);
    return heads >= LAYOUT_MIN_HEADS && heads * 3 >= n * 2 ? n : 0;
}

/* "1", "12.", "IV", "a)": a row number in the first column. */
static int
is_row_number(const char *s, size_t a, size_t b)
{
    if (b > a && (s[b - 1] == '.' || s[b - 1] == ')'))
        b--;
    if (b == a || b - a > 6)
        return 0;
    int digits = 1, roman = 1;
    for (size_t i = a; i < b; i++) {
        digits &= (s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && i > a);
        roman &= s[i] == 'I' || s[i] == 'V' || s[i] == 'X' || s[i] == 'L' || s[i] == 'C';
    }
    return digits || roman || (b - a == 1 && s[a] >= 'a' && s[a] <= 'z');
}

static size_t
layout_column(const struct layout *L, size_t col)
{
    size_t k = 0;
    while (k + 1 < L->ncols && col >= L->bound[k + 1])
        k++;
    return k;
}

/* Put piece p (of line ln) at the end of inline `in`, one space after what is there. */
static void
layout_put(struct text_parser *tp, struct px_inline *in, struct px_span *span,
           const struct line *ln, const struct piece *p)
{
    px_inline_rtrim(in);
    if (in->text.len > 0)
        px_inline_replace(in, " ", 1, p->a, ln->no);
    else
        *span = (struct px_span){ln->no, p->a, 0};
    px_inline_render(in, tp->src, p->a, p->b, ln->no);
    span->len = p->b - span->byte;
}

static void
layout_finish_row(struct text_parser *tp)
{
    struct layout *L = &tp->lay;
    if (!L->row_open)
        return;
    struct pending *pb = &tp->p[L->pending];
    struct px_row *r = px_table_add_row(tp->doc, pb->table);
    r->span = L->row_span;
    r->span.len = L->row_end - L->row_span.byte;
    for (size_t k = 0; k < L->ncols; k++) {
        struct px_cell *c = px_row_add_cell(tp->doc, r, NULL, 0);
        px_inline_rtrim(&L->cell[k]);
        struct px_span sp = L->cell[k].text.len ? L->cell_span[k] : (struct px_span){0};
        c->span = sp;
        px_inline_attach(tp->doc, &L->cell[k], sp.byte, &c->text, &c->map);
        px_inline_clear(&L->cell[k]);
    }
    if (r->ncells > pb->table->ncols)
        pb->table->ncols = r->ncells;
    pb->end = L->row_end;
    L->row_open = 0;
}

/* No blank line yet after the header line: its cells may still wrap. Done now. */
static void
layout_end_header(struct text_parser *tp)
{
    struct layout *L = &tp->lay;
    if (!L->on || !L->in_header)
        return;
    L->in_header = 0;
    layout_finish_row(tp);
    struct px_table *t = tp->p[L->pending].table;
    if (t->nrows > 0)
        t->rows[t->nrows - 1].header = 1;
}

static void
layout_close(struct text_parser *tp)
{
    if (!tp->lay.on)
        return;
    layout_end_header(tp);
    layout_finish_row(tp);
    tp->lay.on = 0;
}

static void
layout_open_row(struct text_parser *tp, const struct line *ln)
{
    struct layout *L = &tp->lay;
    layout_finish_row(tp);
    L->row_open = 1;
    L->row_span = (struct px_span){ln->no, ln->start, 0};
}

/* A header line: open a table (or a new part of it on the next page). */
static void
layout_start(struct text_parser *tp, const struct line *ln, const struct piece *pc, size_t n)
{
    layout_close(tp);
    struct layout *L = &tp->lay;
    L->on = 1;
    L->in_header = 1;
    L->ncols = n;
    for (size_t k = 0; k < n; k++) {
        L->bound[k] = k == 0 ? 0 : pc[k - 1].end + 1;
        if (k > 0 && L->bound[k] > pc[k].col)
            L->bound[k] = pc[k].col;
    }
    tp->table = NULL;
    tp->wrap_open = 0;
    struct pending *pb = add_pending(tp);
    pb->table = px_table_new(tp->doc);
    pb->span = (struct px_span){ln->no, ln->start, 0};
    L->pending = tp->n - 1;
    layout_open_row(tp, ln);
    for (size_t k = 0; k < n; k++)
        layout_put(tp, &L->cell[k], &L->cell_span[k], ln, &pc[k]);
    L->row_end = ln->end;
}

/* Lines of a space-aligned table; 0 when the line is not one (the table ends). */
static int
layout_line(struct text_parser *tp, const struct line *ln)
{
    struct piece pc[LAYOUT_MAX_PIECES];
    struct layout *L = &tp->lay;
    size_t n = L->on && L->in_header ? 0 : layout_header(tp, ln, pc);
    if (n) {
        layout_start(tp, ln, pc, n);
        return 1;
    }
    if (!L->on)
        return 0;
    const char *s = tp->src;
    n = line_pieces(s, ln->start, ln->end, pc, LAYOUT_MAX_PIECES);
    if (n == 0)
        return 1;
    int first = layout_column(L, pc[0].col) == 0;
    int numbered = first && is_row_number(s, pc[0].a, pc[0].b);
    if (!L->in_header || numbered) {
        layout_end_header(tp);
        if (first && !numbered) {
            layout_close(tp);
            return 0;
        }
        if (numbered || !L->row_open)
            layout_open_row(tp, ln); /* without a number: a row going on from the page before */
    }
    for (size_t k = 0; k < n; k++) {
        size_t c = layout_column(L, pc[k].col);
        layout_put(tp, &L->cell[c], &L->cell_span[c], ln, &pc[k]);
    }
    L->row_end = ln->end;
    return 1;
}

/* ---- lines ---- */

static int
is_blank_line(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (!is_blank_char(s[i]))
            return 0;
    return 1;
}

static int
is_dash_at(const char *s, size_t i, size_t b, size_t *w)
{
    if (i < b && s[i] == '-') {
        *w = 1;
        return 1;
    }
    /* en dash U+2013, em dash U+2014 */
    if (b - i >= 3 && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
        *w = 3;
        return 1;
    }
    return 0;
}

/*
 * A page number left on its own line by the converter: "9", "- 9 -",
 * "Trang 9", "Trang 9/12". It stands where a page ends, so it is read as a
 * page break: a table split there still joins its continuation, and a
 * sentence broken there still continues.
 */
static int
is_page_number_line(const char *s, size_t a, size_t b)
{
    size_t w, digits = 0;
    trim(s, &a, &b);
    if (b - a >= 5 && (memcmp(s + a, "Trang", 5) == 0 || memcmp(s + a, "trang", 5) == 0)) {
        a += 5;
        while (a < b && is_blank_char(s[a]))
            a++;
    } else if (is_dash_at(s, a, b, &w)) {
        a += w;
        while (a < b && is_blank_char(s[a]))
            a++;
    }
    while (a < b && s[a] >= '0' && s[a] <= '9') {
        a++;
        digits++;
    }
    if (digits == 0 || digits > 4)
        return 0;
    if (a < b && s[a] == '/') { /* "9/12" */
        size_t more = 0;
        for (a++; a < b && s[a] >= '0' && s[a] <= '9'; a++)
            more++;
        if (!more)
            return 0;
    }
    while (a < b && is_blank_char(s[a]))
        a++;
    if (is_dash_at(s, a, b, &w))
        a += w;
    while (a < b && is_blank_char(s[a]))
        a++;
    return a == b;
}

static void
one_line(struct text_parser *tp, const struct line *ln)
{
    const char *s = tp->src;
    size_t a = ln->start, b = ln->end;
    if (is_blank_line(s, a, b) || is_page_number_line(s, a, b)) {
        tp->blank_since = 1;
        tp->table = NULL;
        tp->wrap_open = 0;
        layout_end_header(tp);
        return;
    }
    if (layout_line(tp, ln))
        return;
    trim(s, &a, &b);
    if (s[a] == '|') {
        tp->wrap_open = 0;
        table_line(tp, ln, 0);
        return;
    }
    size_t fields = memchr(s + ln->start, '\t', ln->end - ln->start)
                        ? count_tab_fields(s, ln->start, ln->end)
                        : 1;
    if (fields >= 3 || (fields == 2 && tp->table && tp->table_tabs)) {
        tp->wrap_open = 0;
        table_line(tp, ln, 1);
        return;
    }
    tp->table = NULL;
    text_line(tp, ln);
}

/* ---- writing the blocks ---- */

static int
is_caps(const char *t)
{
    int32_t i = 0, n = (int32_t)strlen(t), letters = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT((const uint8_t *)t, i, n, c);
        if (c < 0)
            return 0;
        if (u_islower(c))
            return 0;
        letters += u_isupper(c) != 0;
    }
    return letters >= 2;
}

static int
ends_sentence(const char *t)
{
    size_t n = strlen(t);
    return n > 0 && (t[n - 1] == '.' || t[n - 1] == ';' || t[n - 1] == ',');
}

static void
type_text_block(struct px_block *bl, const struct pending *pb)
{
    size_t tlen = strlen(bl->text);
    if (is_caps(bl->text))
        bl->flags |= PX_BLOCK_CAPS;
    if (pb->bold_start && pb->bold_end)
        bl->flags |= PX_BLOCK_BOLD;
    if (pb->italic)
        bl->flags |= PX_BLOCK_ITALIC;
    int strong = (bl->flags & (PX_BLOCK_BOLD | PX_BLOCK_CAPS)) != 0;
    if (pb->footnote) {
        bl->type = PX_BLOCK_FOOTNOTE;
    } else if (pb->md_level) {
        bl->type = PX_BLOCK_HEADING;
        bl->level = pb->md_level;
    } else if (pb->mk.kind != PX_MARKER_NONE) {
        bl->type = px_marker_block_type(&pb->mk, bl->text, tlen, strong);
        bl->level = pb->mk.kind == PX_MARKER_BULLET ? 1 : px_marker_level(&pb->mk);
    } else if (strong && tlen <= TITLE_MAX_BYTES && !ends_sentence(bl->text)) {
        bl->type = PX_BLOCK_HEADING;
        bl->level = (bl->flags & PX_BLOCK_CAPS) ? 1 : 2;
    } else {
        bl->type = PX_BLOCK_PARAGRAPH;
    }
}

static void
emit_pending(struct text_parser *tp, struct pending *pb)
{
    struct px_doc *doc = tp->doc;
    struct px_block *bl = px_doc_add_block(doc, pb->table ? PX_BLOCK_TABLE : PX_BLOCK_PARAGRAPH);
    bl->span = pb->span;
    bl->span.len = pb->end - pb->span.byte;
    if (pb->table) {
        bl->table = pb->table;
        return;
    }
    px_inline_rtrim(&pb->in);
    px_inline_attach(doc, &pb->in, pb->span.byte, &bl->text, &bl->map);
    if (pb->footnote)
        bl->number = px_arena_strdup(&doc->arena, pb->fn_number);
    else if (pb->mk.kind != PX_MARKER_NONE)
        bl->number = px_arena_strndup(&doc->arena, tp->src + pb->num_off, pb->mk.num_len);
    type_text_block(bl, pb);
}

/* ---- input checks ---- */

static uint32_t
line_of(const unsigned char *s, size_t off, size_t *col)
{
    uint32_t line = 1;
    size_t start = 0;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n') {
            line++;
            start = i + 1;
        }
    *col = off - start + 1;
    return line;
}

/* One PX_ERROR for the byte at off: cause, then its column (the line is the item's). */
static int
refuse(struct px_doc *doc, struct px_diag *dg, size_t off, const char *cause)
{
    size_t col;
    uint32_t line = line_of(doc->src, off, &col);
    px_diag_report(dg, PX_ERROR, doc->path, line, (long)col, "%s at column %zu", cause, col);
    return -1;
}

/*
 * Make doc->src trusted UTF-8. Valid UTF-8 (with or without BOM) is parsed as
 * it is, so offsets stay those of the file. Anything else goes through
 * px_to_utf8, which refuses it (one PX_ERROR) or converts it (UTF-16, legacy
 * encodings); the converted text then becomes doc->src (arena-owned).
 */
static int
check_input(struct px_doc *doc, struct px_diag *dg)
{
    const unsigned char *s = doc->src;
    size_t len = doc->src_len, bad = 0;
    if (len == 0) {
        px_diag_report(dg, PX_ERROR, doc->path, 1, 0, "empty file");
        return -1;
    }
    if (!memchr(s, 0, len) && px_utf8_validate(s, len, &bad) == 0)
        return 0;
    struct px_buf out = PX_BUF_INIT;
    enum px_encoding enc;
    if (px_to_utf8(doc->path, s, len, NULL, &out, &enc, dg) != 0) {
        px_buf_release(&out);
        return -1;
    }
    /* a converter must hand back clean text; refuse rather than parse what it did not check */
    size_t bad_out = 0;
    if (out.len == 0 || memchr(out.ptr, 0, out.len) ||
        px_utf8_validate((const unsigned char *)out.ptr, out.len, &bad_out) != 0) {
        char cause[40];
        snprintf(cause, sizeof cause, "invalid UTF-8 byte 0x%02X", (unsigned)s[bad]);
        px_buf_release(&out);
        return refuse(doc, dg, bad, cause);
    }
    doc->src = (const unsigned char *)px_arena_strndup(&doc->arena, out.ptr, out.len);
    doc->src_len = out.len;
    px_buf_release(&out);
    return 0;
}

/* ---- driver ---- */

static void
parse_lines(struct text_parser *tp)
{
    size_t i = 0;
    uint32_t no = 1;
    if (tp->len >= 3 && memcmp(tp->src, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < tp->len) {
        const char *nl = memchr(tp->src + i, '\n', tp->len - i);
        size_t end = nl ? (size_t)(nl - tp->src) : tp->len;
        struct line ln = {i, end, no++};
        if (ln.end > ln.start && tp->src[ln.end - 1] == '\r')
            ln.end--;
        one_line(tp, &ln);
        i = end + 1;
    }
    layout_close(tp);
}

int
px_parse_text(struct px_doc *doc, struct px_diag *dg)
{
    if (check_input(doc, dg) != 0)
        return -1;
    struct text_parser tp;
    memset(&tp, 0, sizeof tp);
    tp.doc = doc;
    tp.src = (const char *)doc->src;
    tp.len = doc->src_len;
    px_inline_init(&tp.scratch);
    for (size_t k = 0; k < LAYOUT_MAX_COLS; k++)
        px_inline_init(&tp.lay.cell[k]);
    parse_lines(&tp);
    for (size_t k = 0; k < tp.n; k++) {
        emit_pending(&tp, &tp.p[k]);
        px_inline_release(&tp.p[k].in);
    }
    free(tp.p);
    px_inline_release(&tp.scratch);
    for (size_t k = 0; k < LAYOUT_MAX_COLS; k++)
        px_inline_release(&tp.lay.cell[k]);
    px_tables_merge_pages(doc);
    return 0;
}

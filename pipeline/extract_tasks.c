/*
 * extract_tasks — the tasks of a plan (spec data-model.md "task", and the
 * annotation guide's "What counts as a task"):
 *   1. rows of an assignment table (columns typed by their header words);
 *   2. numbered body items followed by role lines ("Đơn vị chủ trì: …");
 *   3. body headings that name agencies, in the task sections.
 *
 * Every phrasing is a `task.*` record of rules/tasks.rules: column header
 * words, role lines, the sections that hold tasks (or the sentence that
 * hands them out, in a directive) and the lines that end them. This file
 * walks the block stream and the tables.
 */
#include "deadline.h"
#include "extract_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

static int
key_of(struct px_xrun *r, const char *s, struct px_xkey *k)
{
    return px_xkey_make(r, s, strlen(s), k);
}

static char *
task_id(struct px_xrun *r, char prefix, int n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%c%d", prefix, n);
    return px_arena_strdup(&r->doc->arena, buf);
}

/* Agency texts remembered per document: past this many, new ones are split every time. */
enum { SPLITS_MAX = 256 };

/* The names of s[0..len) split before into an empty list, or NULL. */
static const struct px_xsplit *
split_before(const struct px_xrun *r, const char *s, size_t len)
{
    for (size_t i = 0; i < r->nsplits; i++)
        if (r->splits[i].len == len && memcmp(r->splits[i].text, s, len) == 0)
            return &r->splits[i];
    return NULL;
}

static void
split_agencies(struct px_xrun *r, const char *s, size_t len, struct px_strlist *out)
{
    out->present = 1;
    if (!len)
        return;
    /* Into an empty list the names depend on the text alone (the plan's
     * province is fixed by now): a text split before gives the same names. */
    int fresh = out->n == 0;
    const struct px_xsplit *old = fresh ? split_before(r, s, len) : NULL;
    if (old) {
        if (old->n) { /* no names leave the list as it was, v NULL */
            out->v = px_arena_alloc(&r->doc->arena, old->n * sizeof *out->v);
            memcpy(out->v, old->v, old->n * sizeof *out->v);
            out->n = old->n;
        }
        return;
    }
    px_agencies_split(r->ex->ag, r->ex->nz, s, len, r->out->info.province, &r->doc->arena, out);
    if (fresh && r->nsplits < SPLITS_MAX) {
        if (!r->splits)
            r->splits = px_xcalloc(SPLITS_MAX, sizeof *r->splits);
        char **names = px_arena_alloc(&r->doc->arena, (out->n ? out->n : 1) * sizeof *names);
        memcpy(names, out->v, out->n * sizeof *names);
        r->splits[r->nsplits++] =
            (struct px_xsplit){px_arena_strndup(&r->doc->arena, s, len), len, names, out->n};
    }
}

/* Deadline texts remembered per document: past this many, new ones are parsed every time. */
enum { PARSED_MAX = 64 };

static int
parse_deadline(struct px_xrun *r, const char *raw, struct px_deadline *d)
{
    memset(d, 0, sizeof *d);
    if (!raw || !*raw)
        return 0;
    char *one = px_xcopy_oneline(r, raw, strlen(raw));
    /* the same words give the same deadline (the plan's year is fixed by now) */
    for (size_t i = 0; i < r->nparsed; i++)
        if (strcmp(r->parsed[i].text, one) == 0) {
            *d = r->parsed[i].d;
            return 0;
        }
    if (px_deadline_parse(&r->ex->rs, r->ex->nz, one, r->out->info.year, &r->doc->arena, d) != 0)
        return -1;
    if (r->nparsed < PARSED_MAX) {
        if (!r->parsed)
            r->parsed = px_xcalloc(PARSED_MAX, sizeof *r->parsed);
        r->parsed[r->nparsed++] = (struct px_xparsed){one, *d};
    }
    return 0;
}

/* ---- 1. assignment tables ---- */

enum col_role { COL_NONE, COL_ORDINAL, COL_TEXT, COL_LEAD, COL_PARTNER, COL_DEADLINE, COL_PRODUCT };

static const struct {
    const char *rule;
    enum col_role role;
} col_rules[] = {
    {"task.col.ignore", COL_NONE},       {"task.col.ordinal", COL_ORDINAL},
    {"task.col.lead", COL_LEAD},         {"task.col.partner", COL_PARTNER},
    {"task.col.deadline", COL_DEADLINE}, {"task.col.product", COL_PRODUCT},
    {"task.col.text", COL_TEXT},
};

struct columns {
    int at[COL_PRODUCT + 1]; /* column of each role, -1 if none */
    size_t nheader;          /* header rows at the top */
};

/* Role of a header text, through the task.col.* rules (first that matches). */
static enum col_role
header_role(struct px_xrun *r, const char *key, size_t len, int *known)
{
    struct px_match m;
    *known = 0;
    for (size_t i = 0; i < sizeof col_rules / sizeof col_rules[0]; i++)
        if (px_xmatch(r, col_rules[i].rule, key, len, &m)) {
            *known = 1;
            return col_rules[i].role;
        }
    return COL_NONE;
}

/* True when every non-empty cell of row is a header word. */
static int
row_is_header(struct px_xrun *r, const struct px_row *row, struct px_xkey *k)
{
    int words = 0;
    for (size_t x = 0; x < row->ncells; x++) {
        if (!row->cells[x].text[0])
            continue;
        int known;
        if (key_of(r, row->cells[x].text, k) != 0)
            return 0;
        header_role(r, k->key.ptr, k->key.len, &known);
        if (!known)
            return 0;
        words++;
    }
    return words > 0;
}

/* The key text of a header cell matches rule id (an empty cell never does). */
static int
cell_is(struct px_xrun *r, const struct px_table *t, size_t y, size_t x, const char *id,
        struct px_xkey *k, int *rc)
{
    struct px_match m;
    if (x >= t->rows[y].ncells || !t->rows[y].cells[x].text[0])
        return 0;
    if (key_of(r, t->rows[y].cells[x].text, k) != 0) {
        *rc = -1;
        return 0;
    }
    return px_xmatch(r, id, k->key.ptr, k->key.len, &m);
}

/*
 * A two-row header "Cơ quan" over "Chủ trì | <unreadable>": the words of the
 * partner column were damaged past recognition, but its place is not. The
 * column right of the lead column, empty in the top row under a group
 * header (task.col.group) and untyped below, is the partner column.
 */
static int
infer_partner(struct px_xrun *r, const struct px_table *t, struct columns *c, struct px_xkey *k)
{
    int rc = 0, lead = c->at[COL_LEAD];
    if (lead < 0 || c->at[COL_PARTNER] >= 0 || c->nheader < 2)
        return 0;
    size_t x = (size_t)lead + 1;
    if (x >= t->ncols || (x < t->rows[0].ncells && t->rows[0].cells[x].text[0]))
        return 0;
    for (int i = 0; i <= COL_PRODUCT; i++)
        if (c->at[i] == (int)x)
            return 0;
    if (!cell_is(r, t, 0, (size_t)lead, "task.col.group", k, &rc))
        return rc;
    for (size_t y = 1; y < c->nheader; y++)
        if (x < t->rows[y].ncells && t->rows[y].cells[x].text[0]) {
            c->at[COL_PARTNER] = (int)x;
            break;
        }
    return rc;
}

/* Role of column x from its header cells: the lowest cell whose own words
 * name a role wins, since a header row under a group header is the more
 * specific one ("Cơ quan thực hiện" spanning "Chủ trì | Phối hợp" must not
 * make both columns leads); when no single cell names one, the column's
 * words top to bottom ("Thời gian" over "hoàn thành") are typed together. */
static int
column_role(struct px_xrun *r, const struct px_table *t, const struct columns *c, size_t x,
            struct px_xkey *k, enum col_role *role)
{
    int known;
    for (size_t y = c->nheader; y-- > 0;) {
        if (x >= t->rows[y].ncells || !t->rows[y].cells[x].text[0])
            continue;
        if (key_of(r, t->rows[y].cells[x].text, k) != 0)
            return -1;
        *role = header_role(r, k->key.ptr, k->key.len, &known);
        if (known)
            return 0;
    }
    struct px_buf words = PX_BUF_INIT;
    for (size_t y = 0; y < c->nheader; y++)
        if (x < t->rows[y].ncells && t->rows[y].cells[x].text[0]) {
            px_buf_puts(&words, t->rows[y].cells[x].text);
            px_buf_putc(&words, ' ');
        }
    int rc = px_xkey_make(r, words.ptr, words.len, k);
    px_buf_release(&words);
    if (rc != 0)
        return -1;
    *role = header_role(r, k->key.ptr, k->key.len, &known);
    return 0;
}

/* Type the columns from the header rows (a two-row header "Cơ quan" over
 * "Chủ trì | Phối hợp": see column_role). */
static int
table_columns(struct px_xrun *r, const struct px_table *t, struct columns *c)
{
    struct px_xkey k = {PX_BUF_INIT, NULL, 0};
    for (int i = 0; i <= COL_PRODUCT; i++)
        c->at[i] = -1;
    c->nheader = 0;
    while (c->nheader < t->nrows && c->nheader < 3 &&
           (t->rows[c->nheader].header || row_is_header(r, &t->rows[c->nheader], &k)))
        c->nheader++;
    for (size_t x = 0; x < t->ncols && c->nheader; x++) {
        enum col_role role = COL_NONE;
        if (column_role(r, t, c, x, &k, &role) != 0) {
            px_xkey_release(&k);
            return -1;
        }
        if (role != COL_NONE && c->at[role] < 0)
            c->at[role] = (int)x;
    }
    int rc = infer_partner(r, t, c, &k);
    px_xkey_release(&k);
    return rc;
}

static const char *
cell_text(const struct px_row *row, int col)
{
    if (col < 0 || (size_t)col >= row->ncells)
        return "";
    return row->cells[col].text;
}

/* "12." -> "12", "I.1" -> "I.1" (row 1 of part I); NULL when the cell is not
 * a row number ("I" heads a part, "", text). */
static char *
row_ordinal(struct px_xrun *r, const char *s)
{
    size_t n = strlen(s), i = 0;
    while (n && (s[n - 1] == '.' || s[n - 1] == ' ' || s[n - 1] == ')'))
        n--;
    while (i < n && (s[i] == 'I' || s[i] == 'V' || s[i] == 'X'))
        i++;
    if (i > 0 && (i + 1 >= n || s[i] != '.'))
        return NULL;
    if (i > 0)
        i++;
    if (i >= n || !(s[i] >= '0' && s[i] <= '9'))
        return NULL;
    for (; i < n; i++)
        if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '.')
            return NULL;
    return px_arena_strndup(&r->doc->arena, s, n);
}

/* Text of a section row: its cells joined, the roman numeral kept. */
static char *
section_text(struct px_xrun *r, const struct px_row *row)
{
    struct px_buf b = PX_BUF_INIT;
    for (size_t x = 0; x < row->ncells; x++)
        if (row->cells[x].text[0]) {
            px_buf_puts(&b, row->cells[x].text);
            px_buf_putc(&b, ' ');
        }
    char *s = px_xcopy_oneline(r, b.ptr, b.len);
    px_buf_release(&b);
    return *s ? s : NULL;
}

/*
 * A lead cell whose last word is a head that needs a name ("… ở các cấp Sở")
 * lost that name to the next cell ("Thông tin và Truyền thông"): move the
 * head over. Returns the repaired lead text and sets *next.
 */
static char *
repair_boundary(struct px_xrun *r, const char *lead, const char *next_in, char **next)
{
    size_t n = strlen(lead);
    *next = NULL;
    while (n && lead[n - 1] == ' ')
        n--;
    if (!n || !*next_in || !px_agencies_dangling_head(r->ex->ag, r->ex->nz, lead, n))
        return NULL;
    size_t sp = n;
    while (sp && lead[sp - 1] != ' ' && lead[sp - 1] != '\n')
        sp--;
    if (!sp)
        return NULL;
    struct px_buf b = PX_BUF_INIT;
    px_buf_put(&b, lead + sp, n - sp);
    px_buf_putc(&b, ' ');
    px_buf_puts(&b, next_in);
    *next = px_xcopy_oneline(r, b.ptr, b.len);
    px_buf_release(&b);
    return px_arena_strndup(&r->doc->arena, lead, sp);
}

/*
 * A lead cell that names its partners ("Sở Kế hoạch và Đầu tư phối hợp Sở
 * Tài chính"): *lead_end becomes the end of the leads, and the partners
 * start right after the joining words (rule task.cell.partners).
 */
static int
lead_partner_tail(struct px_xrun *r, const char *lead, size_t *lead_end, size_t *partner_from)
{
    struct px_xkey k = {PX_BUF_INIT, NULL, 0};
    struct px_match m;
    if (key_of(r, lead, &k) != 0)
        return -1;
    if (px_xmatch(r, "task.cell.partners", k.key.ptr, k.key.len, &m)) {
        *lead_end = px_xkey_src(&k, m.start);
        *partner_from = px_xkey_src(&k, m.end);
    }
    px_xkey_release(&k);
    return 0;
}

static int
row_task(struct px_xrun *r, const struct px_row *row, const struct columns *c, char *ordinal,
         const char *section, int *count)
{
    struct px_task *t = px_xadd_task(r);
    const char *lead = cell_text(row, c->at[COL_LEAD]);
    const char *partner = cell_text(row, c->at[COL_PARTNER]);
    char *moved = NULL, *fixed = NULL;
    if (c->at[COL_PARTNER] >= 0)
        fixed = repair_boundary(r, lead, partner, &moved);
    if (fixed) {
        lead = fixed;
        partner = moved;
    }
    t->id = task_id(r, 'a', ++*count);
    t->origin = "appendix";
    t->ordinal = ordinal;
    const char *text = cell_text(row, c->at[COL_TEXT]);
    t->text = px_xcopy_oneline(r, text, strlen(text));
    if (c->at[COL_PRODUCT] >= 0) {
        const char *p = cell_text(row, c->at[COL_PRODUCT]);
        t->product = *p ? px_xcopy_oneline(r, p, strlen(p)) : NULL;
    }
    t->section = (char *)section;
    size_t lead_len = strlen(lead), lead_end = lead_len, from = lead_len;
    if (lead_partner_tail(r, lead, &lead_end, &from) < 0)
        return -1;
    split_agencies(r, lead, lead_end, &t->leads);
    if (c->at[COL_PARTNER] >= 0)
        split_agencies(r, partner, strlen(partner), &t->partners);
    if (from < lead_len) /* "Sở A phối hợp Sở B" in the lead cell: B is a partner */
        split_agencies(r, lead + from, lead_len - from, &t->partners);
    if (parse_deadline(r, cell_text(row, c->at[COL_DEADLINE]), &t->deadline) != 0)
        return -1;
    t->prov.rule = "task.appendix_row";
    t->prov.span = row->span;
    return 0;
}

/* Append row's cells to the previous task (a row continued past a page break). */
static void
continue_row(struct px_xrun *r, struct px_task *t, const struct px_row *row,
             const struct columns *c)
{
    const char *more = cell_text(row, c->at[COL_TEXT]);
    if (*more) {
        struct px_buf b = PX_BUF_INIT;
        px_buf_printf(&b, "%s %s", t->text, more);
        t->text = px_xcopy_oneline(r, b.ptr, b.len);
        px_buf_release(&b);
    }
    const char *p = cell_text(row, c->at[COL_PRODUCT]);
    if (*p && c->at[COL_PRODUCT] >= 0) {
        struct px_buf b = PX_BUF_INIT;
        px_buf_printf(&b, "%s %s", t->product ? t->product : "", p);
        t->product = px_xcopy_oneline(r, b.ptr, b.len);
        px_buf_release(&b);
    }
    t->prov.span.len = row->span.byte + row->span.len > t->prov.span.byte
                           ? row->span.byte + row->span.len - t->prov.span.byte
                           : t->prov.span.len;
}

static int
table_tasks(struct px_xrun *r, size_t bi, int *count)
{
    const struct px_table *t = r->doc->blocks[bi].table;
    struct columns c;
    if (!t || table_columns(r, t, &c) != 0)
        return -1;
    if (c.at[COL_TEXT] < 0 || c.at[COL_LEAD] < 0)
        return 0; /* not an assignment table */
    int *rows = px_arena_alloc(&r->doc->arena, (t->nrows + 1) * sizeof *rows);
    r->row_task[bi] = rows;
    int ordcol = c.at[COL_ORDINAL] >= 0 ? c.at[COL_ORDINAL] : 0;
    const char *section = NULL;
    int last = -1;
    struct px_xkey k = {PX_BUF_INIT, NULL, 0};
    for (size_t y = 0; y < t->nrows; y++) {
        const struct px_row *row = &t->rows[y];
        rows[y] = -1;
        if (y < c.nheader || row->header || row_is_header(r, row, &k))
            continue;
        const char *num = cell_text(row, ordcol);
        char *ord = row_ordinal(r, num);
        if (ord) {
            if (row_task(r, row, &c, ord, section, count) != 0)
                goto fail;
            last = (int)r->out->ntasks - 1;
        } else if (!*num && last >= 0) {
            continue_row(r, &r->out->tasks[last], row, &c);
        } else {
            section = section_text(r, row);
            last = -1;
            continue;
        }
        rows[y] = last;
    }
    px_xkey_release(&k);
    return 0;
fail:
    px_xkey_release(&k);
    return -1;
}

/* ---- 2 and 3. body tasks ---- */

/* An item being read: the block that opened it and the text gathered under it. */
struct item {
    size_t block;
    int rank;
    struct px_buf text;
    int task;    /* index of its task, -1 while none */
    int roles;   /* role lines seen: its own text is complete */
    int heading; /* an agency heading (kind 3): gathers every child */
    int gather;  /* its sub-items are its text (own_subitems), -1 until known */
};

struct walk {
    struct px_xrun *r;
    struct item cand; /* the latest numbered item: role lines attach to it */
    struct item head; /* the open agency heading */
    int in_tasks;     /* inside a section whose agency headings are tasks */
    const char *section;
    int count; /* body tasks so far */
    struct px_xkey k;
};

static void
item_reset(struct item *it)
{
    px_buf_clear(&it->text);
    it->block = 0;
    it->rank = 0;
    it->task = -1;
    it->roles = 0;
    it->heading = 0;
    it->gather = -1;
}

static int
item_open(const struct item *it)
{
    return it->rank > 0;
}

static void
text_add(struct px_buf *b, const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\n')) {
        s++;
        len--;
    }
    if (!len)
        return;
    if (b->len)
        px_buf_putc(b, ' ');
    px_buf_put(b, s, len);
}

/* Text of a child block as the task text keeps it: its marker unless a bullet. */
static void
child_text(struct px_buf *b, const struct px_block *blk)
{
    enum px_xmark mk = px_xmark_of(blk->number);
    if (mk == PX_XM_LETTER || mk == PX_XM_ARABIC || mk == PX_XM_DOTTED) {
        struct px_buf t = PX_BUF_INIT;
        px_buf_printf(&t, mk == PX_XM_LETTER ? "%s) %s" : "%s. %s", blk->number, blk->text);
        text_add(b, t.ptr, t.len);
        px_buf_release(&t);
        return;
    }
    text_add(b, blk->text, strlen(blk->text));
}

static struct px_task *
new_body_task(struct walk *w, struct item *it, const char *rule)
{
    struct px_xrun *r = w->r;
    const struct px_block *b = &r->doc->blocks[it->block];
    struct px_task *t = px_xadd_task(r);
    t->id = task_id(r, 'b', ++w->count);
    t->origin = "body";
    t->ordinal = b->number ? px_arena_strdup(&r->doc->arena, b->number) : NULL;
    t->section = (char *)w->section;
    t->prov.rule = rule;
    t->prov.span = b->span;
    it->task = (int)r->out->ntasks - 1;
    r->block_task[it->block] = it->task;
    return t;
}

/* Close an item: its task (if any) takes the gathered text. */
static int
item_close(struct walk *w, struct item *it)
{
    struct px_xrun *r = w->r;
    if (item_open(it) && it->task >= 0) {
        struct px_task *t = &r->out->tasks[it->task];
        t->text = px_xcopy_oneline(r, it->text.ptr, it->text.len);
        if (!t->deadline.present && it->heading &&
            px_deadline_find_in_text(&r->ex->rs, r->ex->nz, t->text, strlen(t->text),
                                     r->out->info.year, &r->doc->arena, &t->deadline) < 0)
            return -1;
    }
    item_reset(it);
    return 0;
}

/* Close the open agency heading (and the candidate that mirrors it). */
static int
close_head(struct walk *w)
{
    if (w->head.task >= 0 && w->cand.task == w->head.task)
        item_reset(&w->cand);
    return item_close(w, &w->head);
}

/* A role line ("Đơn vị chủ trì: …") applied to the task of the current item. */
static int
apply_role(struct walk *w, const struct px_rule *rule, const struct px_block *b, size_t vstart)
{
    struct px_xrun *r = w->r;
    struct item *it = item_open(&w->cand) ? &w->cand : &w->head;
    if (!item_open(it))
        return 0;
    struct px_task *t =
        it->task >= 0 ? &r->out->tasks[it->task] : new_body_task(w, it, "task.body_roles");
    if (!it->heading && !t->partners.present)
        t->partners.present = 1;
    it->roles = 1;
    r->block_task[b - r->doc->blocks] = it->task;
    const char *v = b->text + vstart;
    size_t vlen = strlen(v);
    while (vlen && (v[vlen - 1] == '.' || v[vlen - 1] == ' ' || v[vlen - 1] == ';'))
        vlen--;
    const char *role = px_rule_get(rule, "role");
    if (!role)
        return 0;
    if (!strcmp(role, "lead"))
        split_agencies(r, v, vlen, &t->leads);
    else if (!strcmp(role, "partner"))
        split_agencies(r, v, vlen, &t->partners);
    else if (!strcmp(role, "deadline"))
        return parse_deadline(r, px_arena_strndup(&r->doc->arena, v, vlen), &t->deadline);
    else if (!strcmp(role, "product"))
        t->product = px_xcopy_oneline(r, v, vlen);
    return 0;
}

static int
is_numbered(enum px_xmark mk)
{
    return mk == PX_XM_ARABIC || mk == PX_XM_DOTTED || mk == PX_XM_LETTER;
}

/*
 * Are the sub-items under the item opened by block bi part of its text?
 * "2.2. Rà soát …, gồm: a) …; b) …" followed by "+ Đơn vị chủ trì: …": two
 * or more sibling sub-items, none with role lines of its own, and then role
 * lines before the next item of the same or a higher rank. The role lines
 * are the item's, and its text is its own paragraphs, sub-items included.
 * Sub-items that each carry role lines ("1.1. … + Đơn vị chủ trì: …") are
 * items of their own: the first role line then follows the first of them.
 */
static int
own_subitems(struct px_xrun *r, size_t bi, struct px_xkey *k)
{
    const struct px_block *ob = &r->doc->blocks[bi];
    int rank = px_xmark_rank(px_xmark_of(ob->number), ob->number), subrank = 0, subs = 0;
    for (size_t j = bi + 1; j < r->doc->nblocks; j++) {
        const struct px_block *b = &r->doc->blocks[j];
        enum px_xmark mk = px_xmark_of(b->number);
        if (b->type == PX_BLOCK_TABLE || mk == PX_XM_ROMAN)
            return 0;
        if (is_numbered(mk)) {
            int rk = px_xmark_rank(mk, b->number);
            if (rk <= rank || (subrank && rk != subrank))
                return 0;
            subrank = rk;
            subs++;
            continue;
        }
        if (b->type == PX_BLOCK_FOOTNOTE || !b->text[0])
            continue;
        if (key_of(r, b->text, k) != 0)
            return -1;
        struct px_match m;
        if (px_xmatch_any(r, "task.role.", k->key.ptr, k->key.len, &m))
            return subs >= 2;
    }
    return 0;
}

/*
 * Does the item opened by block bi name its own lead in a role line
 * ("- Đơn vị chủ trì: Thanh tra tỉnh") before the next numbered block? Such
 * an item is a duty with role lines (kind 2): its opening words are the
 * duty, even when they read like an agency ("Thanh tra trách nhiệm …").
 */
static int
has_lead_line(struct px_xrun *r, size_t bi, struct px_xkey *k)
{
    /* sub-items that are the item's text (own_subitems) come before its role
     * lines; any other numbered block ends the item */
    int subs = own_subitems(r, bi, k), roles = 0;
    if (subs < 0)
        return -1;
    for (size_t j = bi + 1; j < r->doc->nblocks; j++) {
        const struct px_block *b = &r->doc->blocks[j];
        enum px_xmark mk = px_xmark_of(b->number);
        if (b->type == PX_BLOCK_TABLE || mk == PX_XM_ROMAN)
            return 0;
        if (is_numbered(mk)) {
            if (!subs || roles)
                return 0;
            continue;
        }
        if (b->type == PX_BLOCK_FOOTNOTE || !b->text[0])
            continue;
        if (key_of(r, b->text, k) != 0)
            return -1;
        struct px_match m;
        const struct px_rule *role = px_xmatch_any(r, "task.role.", k->key.ptr, k->key.len, &m);
        const char *what = role ? px_rule_get(role, "role") : NULL;
        roles |= role != NULL;
        if (what && !strcmp(what, "lead"))
            return 1;
    }
    return 0;
}

/*
 * Kind 3: a numbered or lettered block in a task section that opens with
 * agencies. Returns 1 and starts the heading item, 0 when it is not one.
 */
static int
agency_heading(struct walk *w, size_t bi, int rank)
{
    struct px_xrun *r = w->r;
    const struct px_block *b = &r->doc->blocks[bi];
    const char *s = b->text;
    size_t len = strlen(s);
    struct px_match m;
    if (key_of(r, s, &w->k) != 0)
        return -1;
    if (px_xmatch(r, "task.heading.verb", w->k.key.ptr, w->k.key.len, &m)) {
        size_t cut = px_xkey_src(&w->k, m.end);
        s += cut;
        len -= cut;
    }
    size_t lead = px_agencies_lead_len(r->ex->ag, r->ex->nz, s, len);
    if (!lead)
        return 0;
    int own = has_lead_line(r, bi, &w->k);
    if (own != 0)
        return own < 0 ? -1 : 0;
    item_reset(&w->head);
    w->head.block = bi;
    w->head.rank = rank;
    w->head.heading = 1;
    struct px_task *t = new_body_task(w, &w->head, "task.body_heading");
    split_agencies(r, s, lead, &t->leads);
    const char *rest = s + lead;
    size_t rlen = len - lead;
    /* " - Cơ quan thường trực …" describes the agency; ":" "," or nothing opens the duty */
    if (key_of(r, rest, &w->k) != 0)
        return -1;
    if (px_xmatch(r, "task.heading.describe", w->k.key.ptr, w->k.key.len, &m))
        return 1;
    while (rlen && (*rest == ':' || *rest == ',' || *rest == ' ' || *rest == ';')) {
        rest++;
        rlen--;
    }
    text_add(&w->head.text, rest, rlen);
    return 1;
}

/* A block that ends the task sections ("Nơi nhận", "Trên đây là …"). */
static int
is_end(struct walk *w, const struct px_block *b)
{
    struct px_match m;
    return px_xmatch_any(w->r, "task.end", w->k.key.ptr, w->k.key.len, &m) != NULL ||
           (b->type == PX_BLOCK_HEADING && !b->number &&
            px_xmatch_any(w->r, "task.end.heading", w->k.key.ptr, w->k.key.len, &m));
}

static int
walk_block(struct walk *w, size_t bi)
{
    struct px_xrun *r = w->r;
    const struct px_block *b = &r->doc->blocks[bi];
    enum px_xmark mk = px_xmark_of(b->number);
    int rank = px_xmark_rank(mk, b->number);
    struct px_match m;
    if (b->type == PX_BLOCK_FOOTNOTE || !b->text[0])
        return 0;
    if (key_of(r, b->text, &w->k) != 0)
        return -1;
    if (b->type == PX_BLOCK_HEADING && !b->number &&
        px_xmatch_any(r, "task.section.", w->k.key.ptr, w->k.key.len, &m)) {
        /* a part titled without a numeral ("TỔ CHỨC THỰC HIỆN") */
        if (item_close(w, &w->cand) || close_head(w))
            return -1;
        w->in_tasks = 1;
        w->section = px_xcopy_oneline(r, b->text, strlen(b->text));
        return 0;
    }
    if (!b->number && px_xmatch(r, "task.opener", w->k.key.ptr, w->k.key.len, &m)) {
        /* "… Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:" hands out the duties
         * below it: a directive has no part titled for its tasks */
        if (item_close(w, &w->cand) || close_head(w))
            return -1;
        w->in_tasks = 1;
        w->section = px_xcopy_oneline(r, b->text, strlen(b->text));
        return 0;
    }
    if (is_end(w, b) || mk == PX_XM_ROMAN) {
        if (item_close(w, &w->cand) || close_head(w))
            return -1;
        w->in_tasks =
            mk == PX_XM_ROMAN && px_xmatch_any(r, "task.section.", w->k.key.ptr, w->k.key.len, &m);
        w->section = px_xcopy_oneline(r, b->text, strlen(b->text));
        return 0;
    }
    const struct px_rule *role = px_xmatch_any(r, "task.role.", w->k.key.ptr, w->k.key.len, &m);
    if (role)
        return apply_role(w, role, b, px_xkey_src(&w->k, m.end));
    /* a sibling or higher marker ends the items it does not belong to */
    if (item_open(&w->head) && rank <= w->head.rank && close_head(w))
        return -1;
    int numbered = is_numbered(mk);
    if (numbered && item_open(&w->cand) && !w->cand.roles && rank > w->cand.rank &&
        !(w->cand.task >= 0 && w->cand.task == w->head.task)) {
        /* "…, gồm: a) …; b) …" then the item's role lines: a sub-item is text */
        if (w->cand.gather < 0)
            w->cand.gather = own_subitems(r, w->cand.block, &w->k);
        if (w->cand.gather < 0)
            return -1;
        if (w->cand.gather)
            numbered = 0;
    }
    if (item_open(&w->cand) && (numbered || w->cand.roles || rank <= w->cand.rank)) {
        if (w->cand.task >= 0 && w->cand.task == w->head.task)
            item_reset(&w->cand); /* the heading item gathers on */
        else if (item_close(w, &w->cand))
            return -1;
    }
    if (numbered && w->in_tasks) {
        int h = agency_heading(w, bi, rank);
        if (h < 0)
            return -1;
        if (h) {
            w->cand.block = bi;
            w->cand.rank = rank;
            w->cand.task = w->head.task;
            return 0;
        }
    }
    if (item_open(&w->head)) {
        child_text(&w->head.text, b);
        r->block_task[bi] = w->head.task;
    }
    if (numbered) {
        item_reset(&w->cand);
        w->cand.block = bi;
        w->cand.rank = rank;
        text_add(&w->cand.text, b->text, strlen(b->text));
    } else if (item_open(&w->cand) && !w->cand.roles &&
               !(w->cand.task >= 0 && w->cand.task == w->head.task)) {
        child_text(&w->cand.text, b);
        r->block_task[bi] = -2 - (int)w->cand.block; /* owned once it has a task */
    }
    return 0;
}

static int
body_tasks(struct px_xrun *r)
{
    struct walk w = {.r = r, .k = {PX_BUF_INIT, NULL, 0}};
    w.cand.text = (struct px_buf)PX_BUF_INIT;
    w.head.text = (struct px_buf)PX_BUF_INIT;
    item_reset(&w.cand);
    item_reset(&w.head);
    int rc = 0;
    for (size_t i = 0; i < r->doc->nblocks && rc == 0; i++) {
        if (r->doc->blocks[i].type == PX_BLOCK_TABLE) {
            rc = item_close(&w, &w.cand) || close_head(&w) ? -1 : 0;
            continue;
        }
        rc = walk_block(&w, i);
    }
    if (rc == 0)
        rc = item_close(&w, &w.cand) || close_head(&w) ? -1 : 0;
    px_buf_release(&w.cand.text);
    px_buf_release(&w.head.text);
    px_xkey_release(&w.k);
    return rc;
}

/* Blocks gathered by an item that got its task later: give them that task. */
static void
settle_owners(struct px_xrun *r)
{
    for (size_t i = 0; i < r->doc->nblocks; i++) {
        int o = r->block_task[i];
        if (o <= -2) {
            size_t opener = (size_t)(-2 - o);
            r->block_task[i] = opener < r->doc->nblocks ? r->block_task[opener] : -1;
            if (r->block_task[i] < -1)
                r->block_task[i] = -1;
        }
    }
}

int
px_extract_tasks(struct px_xrun *r)
{
    if (body_tasks(r) != 0)
        return -1;
    settle_owners(r);
    int count = 0;
    for (size_t i = 0; i < r->doc->nblocks; i++)
        if (r->doc->blocks[i].type == PX_BLOCK_TABLE && table_tasks(r, i, &count) != 0)
            return -1;
    return 0;
}

/* store_digest — SHA-256 digests of what the store writes from an extraction, by part. */
#include "store.h"

#include "buf.h"
#include "sha256.h"

#include <string.h>

#include "banned.h"

/*
 * Why: after a rule edit most documents extract exactly as before, and
 * deleting and re-inserting their tasks, agencies and targets is most of a
 * reextraction's cost. Comparing these digests with the stored ones tells
 * which documents, and which parts of them, really changed, so only those
 * are written: a target rule edit rewrites targets, not tasks.
 *
 * The walk below must feed every value put_facts(), put_tasks(),
 * put_targets() and update_document() in store.c bind, in a fixed order;
 * a field added there is added here. Each value is written with a type tag
 * and a length, so that no two different records give the same byte stream
 * ("ab","c" and "a","bc"; NULL and "").

 */

enum tag { T_NULL = 0, T_STR, T_INT, T_REAL, T_END };

static void
feed(struct px_buf *h, enum tag t, const void *p, size_t len)
{
    char head[9];
    head[0] = (char)t;
    for (int i = 0; i < 8; i++)
        head[1 + i] = (char)(unsigned char)((uint64_t)len >> (8 * i));
    px_buf_put(h, head, sizeof head);
    if (len)
        px_buf_put(h, p, len);
}

static void
feed_str(struct px_buf *h, const char *s)
{
    if (s)
        feed(h, T_STR, s, strlen(s));
    else
        feed(h, T_NULL, NULL, 0);
}

static void
feed_int(struct px_buf *h, int64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)v >> (8 * i));
    feed(h, T_INT, b, sizeof b);
}

static void
feed_real(struct px_buf *h, double v)
{
    unsigned char b[sizeof v];
    memcpy(b, &v, sizeof v); /* bit pattern: what SQLite stores */
    feed(h, T_REAL, b, sizeof b);
}

static void
feed_span(struct px_buf *h, const struct px_span *sp)
{
    feed_int(h, sp->line);
    feed_int(h, (int64_t)sp->byte);
    feed_int(h, (int64_t)sp->len);
}

static void
feed_list(struct px_buf *h, const struct px_strlist *l)
{
    feed_int(h, l->present != 0);
    feed_int(h, l->present ? (int64_t)l->n : 0);
    for (size_t i = 0; l->present && i < l->n; i++)
        feed_str(h, l->v[i]);
}

static void
feed_info(struct px_buf *h, const struct px_docinfo *info)
{
    feed_str(h, info->kind);
    feed_str(h, info->number);
    feed_str(h, info->issuer);
    feed_str(h, info->province);
    feed_str(h, info->issued);
    feed_int(h, info->year);
    feed_list(h, &info->implements);
    for (int f = 0; f < PX_FACT_COUNT; f++) {
        feed_str(h, info->prov[f].rule);
        feed_span(h, &info->prov[f].span);
    }
}

static void
feed_deadline(struct px_buf *h, const struct px_deadline *d)
{
    feed_int(h, d->present != 0);
    if (!d->present)
        return;
    feed_str(h, d->raw);
    feed_int(h, d->kind);
    feed_str(h, d->start);
    feed_str(h, d->end);
    feed_str(h, d->every);
    feed_str(h, d->rule);
}

static void
feed_task(struct px_buf *h, const struct px_task *t)
{
    feed_str(h, t->id);
    feed_str(h, t->origin);
    feed_str(h, t->ordinal);
    feed_str(h, t->text);
    feed_str(h, t->product);
    feed_str(h, t->section);
    feed_deadline(h, &t->deadline);
    feed_list(h, &t->leads);
    feed_list(h, &t->partners);
    feed_str(h, t->prov.rule);
    feed_span(h, &t->prov.span);
}

static void
feed_target(struct px_buf *h, const struct px_target *t)
{
    feed_str(h, t->task);
    feed_str(h, t->metric);
    feed_str(h, t->cmp);
    feed_real(h, t->value);
    feed_int(h, t->has_value2 != 0);
    feed_real(h, t->has_value2 ? t->value2 : 0);
    feed_str(h, t->unit);
    feed_str(h, t->raw);
    feed_str(h, t->prov.rule);
    feed_span(h, &t->prov.span);
}

/* The values of a part go to one buffer hashed at the end: one call takes the CPU's SHA
 * instructions (px_sha256_hex), where many small updates would not. */
static void
finish_part(struct px_buf *h, char out[PX_DIGEST_LEN + 1])
{
    feed(h, T_END, NULL, 0);
    px_sha256_hex(h->ptr, h->len, out);
    px_buf_clear(h);
}

void
px_store_digests(const struct px_extraction *ex, struct px_digests *out)
{
    struct px_buf h = PX_BUF_INIT;
    if (ex->targets_only) { /* no facts or tasks made: the store keeps the stored ones */
        out->part[PX_PART_INFO][0] = out->part[PX_PART_TASKS][0] = '\0';
    } else {
        feed_info(&h, &ex->info);
        finish_part(&h, out->part[PX_PART_INFO]);
        feed_int(&h, (int64_t)ex->ntasks);
        for (size_t i = 0; i < ex->ntasks; i++)
            feed_task(&h, &ex->tasks[i]);
        finish_part(&h, out->part[PX_PART_TASKS]);
    }
    feed_int(&h, (int64_t)ex->ntargets);
    for (size_t i = 0; i < ex->ntargets; i++)
        feed_target(&h, &ex->targets[i]);
    finish_part(&h, out->part[PX_PART_TARGETS]);
    px_buf_release(&h);
}

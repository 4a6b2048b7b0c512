/*
 * records_json — the export contract as JSON (see records_json.h).
 *
 * Field order follows spec data-model.md exactly (jansson keeps insertion
 * order). Numbers that are integral print as JSON integers (15, not 15.0);
 * others as reals with 15 significant digits, so 0.1 prints as 0.1.
 */
#include "records_json.h"

#include <math.h>
#include <string.h>

/* Why 15: enough for any figure a plan states, and few enough that
 * binary fractions like 0.1 do not print as 0.10000000000000001. */
#define REAL_DIGITS 15

/* Length of the valid UTF-8 sequence at s[0..len), 0 when invalid. */
static size_t
utf8_seq_len(const unsigned char *s, size_t len)
{
    size_t n = s[0] < 0x80         ? 1
               : (s[0] >> 5) == 6  ? 2
               : (s[0] >> 4) == 14 ? 3
               : (s[0] >> 3) == 30 ? 4
                                   : 0;
    if (n == 0 || n > len)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD so a damaged
 * input can never make the writer fail. */
static json_t *
jstr(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    struct px_buf b = PX_BUF_INIT;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq_len((const unsigned char *)s + i, len - i);
        if (n == 0) {
            px_buf_puts(&b, "\xEF\xBF\xBD");
            i++;
        } else {
            px_buf_put(&b, s + i, n);
            i += n;
        }
    }
    j = json_string(b.ptr);
    px_buf_release(&b);
    return j ? j : json_null();
}

static json_t *
jnum(double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *
jstrlist(const struct px_strlist *l)
{
    if (!l->present)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, jstr(l->v[i]));
    return a;
}

static json_t *
jdate(const char *iso)
{
    return iso && iso[0] ? jstr(iso) : json_null();
}

static json_t *
jspan(const struct px_span *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "line", json_integer(s->line));
    json_object_set_new(o, "byte", json_integer((json_int_t)s->byte));
    json_object_set_new(o, "len", json_integer((json_int_t)s->len));
    return o;
}

json_t *
px_deadline_json(const struct px_deadline *d)
{
    if (!d || !d->present)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "raw", jstr(d->raw ? d->raw : ""));
    json_object_set_new(o, "kind", json_string(px_deadline_kind_name(d->kind)));
    json_object_set_new(o, "start", jdate(d->start));
    json_object_set_new(o, "end", jdate(d->end));
    json_object_set_new(o, "every", jstr(d->every));
    return o;
}

json_t *
px_document_json(const struct px_docmeta *m, const struct px_docinfo *info)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("document"));
    json_object_set_new(o, "doc", jstr(m->doc));
    json_object_set_new(o, "path", jstr(m->path));
    json_object_set_new(o, "sha256", jstr(m->sha256));
    json_object_set_new(o, "format", jstr(m->format));
    json_object_set_new(o, "kind", jstr(info->kind ? info->kind : "other"));
    json_object_set_new(o, "number", jstr(info->number));
    json_object_set_new(o, "issuer", jstr(info->issuer));
    json_object_set_new(o, "province", jstr(info->province));
    json_object_set_new(o, "issued", jdate(info->issued));
    struct px_strlist impl = info->implements;
    impl.present = 1; /* implements is a list, never null: [] when none */
    json_object_set_new(o, "implements", jstrlist(&impl));
    return o;
}

json_t *
px_task_json(const char *doc, const struct px_task *t, int with_why)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("task"));
    json_object_set_new(o, "doc", jstr(doc));
    json_object_set_new(o, "id", jstr(t->id));
    json_object_set_new(o, "origin", jstr(t->origin));
    json_object_set_new(o, "ordinal", jstr(t->ordinal));
    json_object_set_new(o, "text", jstr(t->text ? t->text : ""));
    json_object_set_new(o, "product", jstr(t->product));
    json_object_set_new(o, "leads", jstrlist(&t->leads));
    json_object_set_new(o, "partners", jstrlist(&t->partners));
    json_object_set_new(o, "deadline", px_deadline_json(&t->deadline));
    json_object_set_new(o, "span", jspan(&t->prov.span));
    if (with_why)
        json_object_set_new(o, "rule", jstr(t->prov.rule));
    return o;
}

json_t *
px_target_json(const char *doc, const struct px_target *t, int with_why)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("target"));
    json_object_set_new(o, "doc", jstr(doc));
    json_object_set_new(o, "task", jstr(t->task));
    json_object_set_new(o, "metric", jstr(t->metric));
    json_object_set_new(o, "cmp", jstr(t->cmp));
    json_object_set_new(o, "value", jnum(t->value));
    json_object_set_new(o, "value2", t->has_value2 ? jnum(t->value2) : json_null());
    json_object_set_new(o, "unit", jstr(t->unit));
    json_object_set_new(o, "raw", jstr(t->raw ? t->raw : ""));
    json_object_set_new(o, "span", jspan(&t->prov.span));
    if (with_why)
        json_object_set_new(o, "rule", jstr(t->prov.rule));
    return o;
}

/* Print one record as a line; consumes the reference. */
static int
put_line(FILE *f, json_t *o)
{
    int rc = json_dumpf(o, f, JSON_COMPACT | JSON_REAL_PRECISION(REAL_DIGITS));
    json_decref(o);
    if (rc != 0 || fputc('\n', f) == EOF)
        return -1;
    return 0;
}

int
px_extraction_write_jsonl(FILE *f, const struct px_docmeta *m, const struct px_extraction *ex,
                          int with_why)
{
    int rc = put_line(f, px_document_json(m, &ex->info));
    for (size_t i = 0; i < ex->ntasks && rc == 0; i++)
        rc = put_line(f, px_task_json(m->doc, &ex->tasks[i], with_why));
    for (size_t i = 0; i < ex->ntargets && rc == 0; i++)
        rc = put_line(f, px_target_json(m->doc, &ex->targets[i], with_why));
    return rc;
}

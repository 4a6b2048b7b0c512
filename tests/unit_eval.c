/* eval: the C scorer against itself (gold vs gold) and against the reference score.py. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include "eval.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *
load_gold(void)
{
    struct px_diag dg;
    px_diag_init(&dg);
    json_t *gold = json_array();
    CHECK(px_eval_load_jsonl(PX_SOURCE_DIR "/tests/gold", gold, &dg) == 0);
    px_diag_release(&dg);
    return gold;
}

TEST(gold_against_itself_is_perfect)
{
    json_t *gold = load_gold();
    CHECK(json_array_size(gold) > 100);
    struct px_diag dg;
    px_diag_init(&dg);
    struct px_eval ev;
    CHECK(px_eval_run(&ev, gold, gold, NULL, 1, &dg) == 0);
    struct px_eval_tally total;
    px_eval_micro(&ev, &total);
    double p, r, f;
    px_eval_prf(&total, &p, &r, &f);
    CHECK(f == 1.0);
    CHECK(total.tp > 300);
    CHECK_INT(total.fp + total.fn, 0);
    CHECK_INT(ev.nerrors, 0);
    CHECK_INT(ev.ndocs, 5);
    px_eval_release(&ev);
    px_diag_release(&dg);
    json_decref(gold);
}

/* Drop the last word of a string field (sometimes still similar enough, sometimes not). */
static void
chop_words(json_t *o, const char *key, int words)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        return;
    char *c = strdup(s);
    for (int i = 0; i < words; i++) {
        char *sp = strrchr(c, ' ');
        if (sp)
            *sp = '\0';
    }
    json_object_set_new(o, key, json_string(c));
    free(c);
}

/* A deterministic mix of errors of every kind the scorer tallies. */
static json_t *
perturb(json_t *gold)
{
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(gold, i, r)
    {
        json_t *c = json_deep_copy(r);
        const char *type = json_string_value(json_object_get(c, "type"));
        if (!strcmp(type, "task")) {
            if (i % 11 == 0) {
                json_decref(c);
                continue; /* a task not found */
            }
            if (i % 3 == 0)
                chop_words(c, "text", (int)(i % 7));
            json_t *leads = json_object_get(c, "leads");
            if (i % 5 == 0 && json_array_size(leads))
                json_array_remove(leads, 0);
            json_t *dl = json_object_get(c, "deadline");
            if (i % 4 == 0 && json_is_object(dl))
                json_object_set_new(dl, "kind", json_string("unknown"));
            if (i % 13 == 0)
                json_array_append(out, c); /* an extra duplicate */
        } else if (!strcmp(type, "target") && i % 4 == 0) {
            json_object_set_new(c, "value",
                                json_real(json_number_value(json_object_get(c, "value")) + 0.5));
        } else if (!strcmp(type, "document") && i % 2 == 0) {
            json_object_set_new(c, "number", json_string("1/KH-UBND"));
        }
        json_array_append_new(out, c);
    }
    return out;
}

/* Run the reference scorer (python3 tests/tools/score.py --json) on records. */
static json_t *
reference_scores(json_t *records)
{
    char path[] = "/tmp/px_eval_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r)
    {
        char *s = json_dumps(r, JSON_COMPACT);
        fprintf(f, "%s\n", s);
        free(s);
    }
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "python3 %s/tests/tools/score.py %s/tests/gold %s --json",
             PX_SOURCE_DIR, PX_SOURCE_DIR, path);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    json_error_t je;
    json_t *scores = p ? json_loadf(p, 0, &je) : NULL;
    if (p)
        pclose(p);
    unlink(path);
    return scores;
}

TEST(perturbed_matches_the_reference_scorer)
{
    json_t *gold = load_gold();
    json_t *pred = perturb(gold);
    struct px_diag dg;
    px_diag_init(&dg);
    struct px_eval ev;
    CHECK(px_eval_run(&ev, gold, pred, NULL, 0, &dg) == 0);
    struct px_eval_tally total;
    px_eval_micro(&ev, &total);
    double p, r, f;
    px_eval_prf(&total, &p, &r, &f);
    CHECK(f < 0.99);
    json_t *ref = reference_scores(pred);
    CHECK(ref != NULL);
    for (int k = 0; ref && k < PX_EV_NFIELDS; k++) {
        json_t *row = json_object_get(json_object_get(ref, "fields"), px_eval_field_name(k));
        CHECK(row != NULL);
        if (!row)
            continue;
        CHECK_INT(ev.field[k].tp, json_integer_value(json_object_get(row, "tp")));
        CHECK_INT(ev.field[k].fp, json_integer_value(json_object_get(row, "fp")));
        CHECK_INT(ev.field[k].fn, json_integer_value(json_object_get(row, "fn")));
    }
    if (ref) {
        double rf = json_real_value(json_object_get(json_object_get(ref, "micro"), "f1"));
        CHECK(rf == f);
    }
    json_decref(ref);
    px_eval_release(&ev);
    px_diag_release(&dg);
    json_decref(pred);
    json_decref(gold);
}

TEST(bad_jsonl_is_reported_with_its_line)
{
    struct px_diag dg;
    px_diag_init(&dg);
    json_t *a = json_array();
    const char text[] = "{\"a\": 1}\n\n{not json}\n";
    CHECK(px_eval_parse_jsonl("x.jsonl", text, sizeof text - 1, a, &dg) < 0);
    const struct px_diag_item *it = px_diag_first(&dg, PX_ERROR);
    CHECK(it != NULL);
    if (it)
        CHECK_INT(it->line, 3);
    CHECK_INT(json_array_size(a), 1);
    json_decref(a);
    px_diag_release(&dg);
}

int
main(void)
{
    RUN(gold_against_itself_is_perfect);
    RUN(perturbed_matches_the_reference_scorer);
    RUN(bad_jsonl_is_reported_with_its_line);
    return DONE();
}

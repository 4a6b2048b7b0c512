#!/usr/bin/env bash
# The benchmark runs end to end on a tiny corpus and its JSON line carries
# every figure (no timing is asserted: CI machines vary).
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}" "${PX_BUILD_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$PX_BUILD_DIR/bench/gen_corpus" ] || { echo "bench tools not built: skipped"; exit 0; }

PX_BENCH_NO_BUILD=1 PX_BENCH_BUILD=$PX_BUILD_DIR bash "$PX_SOURCE_DIR/bench/run.sh" \
  --plans 20 --pandoc-max 3 --stage-sample 8 --repeat 1 --work "$tmp/work" >"$tmp/out" 2>"$tmp/err" ||
  { cat "$tmp/err"; fail "bench/run.sh"; }
[ "$(ls "$tmp/work/corpus/text" | wc -l)" = 10 ] || fail "text plans"
[ "$(ls "$tmp/work/corpus/html" | wc -l)" = 5 ] || fail "html plans"
[ "$(ls "$tmp/work/corpus/docx" | wc -l)" = 5 ] || fail "docx plans"

tail -n 1 "$tmp/out" | python3 -c '
import json, sys
fig = json.loads(sys.stdin.read())
need = ["plans", "seed", "mb", "ingest_seconds", "ingest_mb_s", "ingest_plans_s",
        "ingest_mb_s_by_format", "text_mb_s_by_format", "peak_rss_mb", "stages_seconds",
        "naive_mb_s", "ratio_text_vs_naive", "planex_docx_seconds_same_files",
        "reingest_seconds", "ratio_first_vs_reingest", "reextract_seconds",
        "ratio_ingest_vs_reextract"]
missing = [k for k in need if fig.get(k) is None]
assert not missing, "missing figures: %s" % missing
assert fig["plans"] == 20
for k in ("read", "parse", "normalise", "extract", "store"):
    assert fig["stages_seconds"][k] >= 0, k
for k in ("text", "html", "docx"):
    assert fig["ingest_mb_s_by_format"][k] > 0, k
assert fig["peak_rss_mb"] > 0
assert "ratio_docx_vs_pandoc" in fig and "ratio_j2_speedup" in fig
for f in ("html", "docx"):  # the like-for-like comparison ran on plans of both formats
    assert fig["same_plans_text_mb_s"][f] > 0, f
for e in ("narrow", "wide"):  # both rule edits ran, and each changed some plans
    assert fig["reextract_seconds"][e] is not None, e
    assert fig["ratio_ingest_vs_reextract"][e] is not None, e
    assert 0 < fig["reextract_changed"][e] <= 20, (e, fig["reextract_changed"][e])
    assert fig["reextract_stages"][e] == {"every": 0, "targets_only": 20, "none": 0}, e
# an agency table edit: every stage runs again
assert fig["reextract_seconds"]["agency"] is not None
assert fig["reextract_stages"]["agency"] == {"every": 20, "targets_only": 0, "none": 0}
' || { tail -n 1 "$tmp/out"; fail "JSON line"; }

# a fixed seed writes the same corpus twice
"$PX_BUILD_DIR/bench/gen_corpus" "$PX_SOURCE_DIR" "$tmp/work/corpus" 20 534 2>/dev/null || fail "gen_corpus"
mkdir -p "$tmp/again/text" "$tmp/again/html" "$tmp/again/docx"
"$PX_BUILD_DIR/bench/gen_corpus" "$PX_SOURCE_DIR" "$tmp/again" 20 534 2>/dev/null || fail "gen_corpus again"
diff -r "$tmp/work/corpus/text" "$tmp/again/text" >/dev/null || fail "text corpus not reproducible"
diff -r "$tmp/work/corpus/html" "$tmp/again/html" >/dev/null || fail "html corpus not reproducible"
echo ok

#!/usr/bin/env bash
# The quality bar: ingest corpora/text, then both `planex eval` and the
# reference scorer must give micro-F1 >= 0.95 and every field's F1 >= 0.90,
# and both must print the same table.
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
db=$tmp/plans.db
gold=$PX_SOURCE_DIR/tests/gold
"$PLANEX" ingest -q --db "$db" "$PX_SOURCE_DIR/corpora/text" || fail "ingest"
"$PLANEX" export --db "$db" --format jsonl >"$tmp/export.jsonl" || fail "export"
"$PLANEX" eval --db "$db" --gold "$gold" >"$tmp/planex.txt" || fail "planex eval"
python3 "$PX_SOURCE_DIR/tests/tools/score.py" "$gold" "$tmp/export.jsonl" >"$tmp/score.txt" ||
  fail "score.py"
cmp -s "$tmp/planex.txt" "$tmp/score.txt" || { diff "$tmp/planex.txt" "$tmp/score.txt"; fail "planex eval and score.py differ"; }
"$PLANEX" eval --db "$db" --gold "$gold" --json >"$tmp/planex.json" || fail "planex eval --json"
python3 "$PX_SOURCE_DIR/tests/tools/score.py" "$gold" "$tmp/export.jsonl" --json >"$tmp/score.json" ||
  fail "score.py --json"
status=0
for f in "$tmp/planex.json" "$tmp/score.json"; do
  python3 - "$f" <<'PY' || status=1
import json, sys
s = json.load(open(sys.argv[1]))
bad = [f"{k} {v['f1']:.3f}" for k, v in s["fields"].items() if v["f1"] < 0.90]
micro = s["micro"]["f1"]
print(f"{sys.argv[1].rsplit('/', 1)[-1]}: micro-F1 {micro:.3f}" + (f"; below 0.90: {', '.join(bad)}" if bad else ""))
sys.exit(0 if micro >= 0.95 and not bad else 1)
PY
done
[ "$status" = 0 ] || { cat "$tmp/planex.txt"; fail "below the bar"; }
echo "cli_eval_bar: ok"

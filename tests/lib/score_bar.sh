#!/usr/bin/env bash
# score_bar — shared by the extraction bar tests (cli_extract, cli_heldout*).
#
#   score_bar NAME GOLD_DIR MICRO_BAR FIELD_BAR OUT_JSON FILE...
#
# Runs `planex parse --dump=records` over FILE..., scores the records against
# GOLD_DIR with the reference scorer (tests/tools/score.py), writes the
# scorer's JSON to OUT_JSON, and fails (status 1, one line per miss on
# stderr) when micro-F1 is under MICRO_BAR or any scored field under
# FIELD_BAR. With SCORE_DOCS=a,b set, only those gold documents are scored.
# Needs $PLANEX and $PX_SOURCE_DIR (set by ctest).

score_bar() {
    local name=$1 gold=$2 micro_bar=$3 field_bar=$4 json=$5
    shift 5
    local records
    records=$(mktemp)
    for f in "$@"; do
        "$PLANEX" parse --dump=records --rules "$PX_SOURCE_DIR/rules" "$f" >>"$records"
    done
    local only=()
    [ -n "${SCORE_DOCS:-}" ] && only=(--docs="$SCORE_DOCS")
    python3 "$PX_SOURCE_DIR/tests/tools/score.py" "$gold" "$records" "${only[@]}" --json >"$json"
    rm -f "$records"
    python3 - "$name" "$json" "$micro_bar" "$field_bar" <<'PY'
import json, sys
name, path, micro_bar, field_bar = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
s = json.load(open(path))
bad = []
micro = s["micro"]["f1"]
if micro < micro_bar:
    bad.append(f"micro-F1 {micro:.3f} < {micro_bar}")
for field, f in s["fields"].items():
    if f["tp"] + f["fp"] + f["fn"] and f["f1"] < field_bar:
        bad.append(f"{field} f1 {f['f1']:.3f} < {field_bar}")
for b in bad:
    print(f"{name}: {b}", file=sys.stderr)
print(f"{name}: micro-F1 {micro:.3f}")
sys.exit(1 if bad else 0)
PY
}

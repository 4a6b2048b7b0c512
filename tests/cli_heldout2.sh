#!/usr/bin/env bash
# cli_heldout2 — `planex parse --dump=records` on the second held-out set
# (tests/heldout2: a ward's plan, a portal HTML page, a Word file with
# automatic numbering, a department's plan on another decision and a TCVN3
# text), scored with the reference scorer: micro-F1 >= 0.95 and every field
# >= 0.85, so rules that only fit the corpora and the first held-out set
# fail the build.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ho="$PX_SOURCE_DIR/tests/heldout2"
score="$PX_SOURCE_DIR/tests/tools/score.py"

: >"$out/all.jsonl"
for f in "$ho"/*.txt "$ho"/*.html "$ho"/*.docx; do
    "$PLANEX" parse --dump=records --rules "$PX_SOURCE_DIR/rules" "$f" >>"$out/all.jsonl"
done

python3 "$score" "$ho" "$out/all.jsonl" --json >"$out/all.json"

python3 - "$out/all.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
bad = []
micro = s["micro"]["f1"]
if micro < 0.95:
    bad.append(f"micro-F1 {micro:.3f} < 0.95")
for name, f in s["fields"].items():
    if f["tp"] + f["fp"] + f["fn"] and f["f1"] < 0.85:
        bad.append(f"{name} f1 {f['f1']:.3f} < 0.85")
for b in bad:
    print("cli_heldout2: " + b, file=sys.stderr)
print(f"micro-F1 {micro:.3f}")
sys.exit(1 if bad else 0)
PY

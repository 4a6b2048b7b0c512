#!/usr/bin/env bash
# cli_heldout5 — `planex parse --dump=records` on the fifth held-out set
# (tests/heldout5: plain-heading converter text with a pipe-table appendix
# whose product column comes before the deadline, a department's plan with
# "+ Đơn vị chủ trì thực hiện" role lines and "a) … b) …" sub-items, a
# commune plan with a tab-separated appendix, and a Word file with a
# borderless signature table), scored with the reference scorer:
# micro-F1 >= 0.95 and every field >= 0.85.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ho="$PX_SOURCE_DIR/tests/heldout5"
score="$PX_SOURCE_DIR/tests/tools/score.py"

: >"$out/all.jsonl"
for f in "$ho"/*.txt "$ho"/*.docx; do
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
    print("cli_heldout5: " + b, file=sys.stderr)
print(f"micro-F1 {micro:.3f}")
sys.exit(1 if bad else 0)
PY

#!/usr/bin/env bash
# cli_heldout4 — `planex parse --dump=records` on the fourth held-out set
# (tests/heldout4: PDF text with hard line breaks and form feeds, a
# `pdftotext -layout` plan with a space-aligned appendix, a decision with
# "- Cơ quan chủ trì/phối hợp/Thời gian hoàn thành" items, two Word files
# and a Word "Web Page" in windows-1258), scored with the reference scorer:
# micro-F1 >= 0.95 and every field >= 0.85.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ho="$PX_SOURCE_DIR/tests/heldout4"
score="$PX_SOURCE_DIR/tests/tools/score.py"

: >"$out/all.jsonl"
for f in "$ho"/*.txt "$ho"/*.docx "$ho"/*.html; do
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
    print("cli_heldout4: " + b, file=sys.stderr)
print(f"micro-F1 {micro:.3f}")
sys.exit(1 if bad else 0)
PY

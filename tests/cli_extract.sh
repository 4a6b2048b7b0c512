#!/usr/bin/env bash
# cli_extract — `planex parse --dump=records` on the text corpus, scored
# against the gold with the reference scorer: micro-F1 >= 0.95 and every
# field >= 0.90, so a regression in extraction fails the build.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for f in "$PX_SOURCE_DIR"/corpora/text/*.txt; do
    "$PLANEX" parse --dump=records --rules "$PX_SOURCE_DIR/rules" "$f" >>"$out/records.jsonl"
done

python3 "$PX_SOURCE_DIR/tests/tools/score.py" "$PX_SOURCE_DIR/tests/gold" "$out/records.jsonl" \
    --json >"$out/score.json"

python3 - "$out/score.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
bad = []
micro = s["micro"]["f1"]
if micro < 0.95:
    bad.append(f"micro-F1 {micro:.3f} < 0.95")
for name, f in s["fields"].items():
    if f["tp"] + f["fp"] + f["fn"] and f["f1"] < 0.90:
        bad.append(f"{name} f1 {f['f1']:.3f} < 0.90")
for b in bad:
    print("cli_extract: " + b, file=sys.stderr)
print(f"micro-F1 {micro:.3f}")
sys.exit(1 if bad else 0)
PY

#!/usr/bin/env bash
# cli_heldout — `planex parse --dump=records` on the held-out plans
# (tests/heldout: plans the rules were not written from), scored with the
# reference scorer: micro-F1 >= 0.95 and every field >= 0.85, so rules that
# only fit the corpora fail the build. The Word and HTML copies of two of
# them must score within 0.02 of their text versions.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ho="$PX_SOURCE_DIR/tests/heldout"
score="$PX_SOURCE_DIR/tests/tools/score.py"

records() { # records OUT FILE...
    local to=$1
    shift
    : >"$to"
    for f in "$@"; do
        "$PLANEX" parse --dump=records --rules "$PX_SOURCE_DIR/rules" "$f" >>"$to"
    done
}

records "$out/text.jsonl" "$ho"/*.txt
records "$out/docx.jsonl" "$ho"/docx/*.docx
records "$out/html.jsonl" "$ho"/html/*.html

# the documents that have Word/HTML copies, by key (the file name's stem)
docs=$(for f in "$ho"/docx/*.docx; do basename "$f" .docx; done | paste -sd, -)

python3 "$score" "$ho" "$out/text.jsonl" --json >"$out/all.json"
python3 "$score" "$ho" "$out/text.jsonl" --docs="$docs" --json >"$out/text.json"
python3 "$score" "$ho" "$out/docx.jsonl" --docs="$docs" --json >"$out/docx.json"
python3 "$score" "$ho" "$out/html.jsonl" --docs="$docs" --json >"$out/html.json"

python3 - "$out" <<'PY'
import json, os, sys
d = sys.argv[1]
load = lambda n: json.load(open(os.path.join(d, n + ".json")))
s = load("all")
bad = []
micro = s["micro"]["f1"]
if micro < 0.95:
    bad.append(f"micro-F1 {micro:.3f} < 0.95")
for name, f in s["fields"].items():
    if f["tp"] + f["fp"] + f["fn"] and f["f1"] < 0.85:
        bad.append(f"{name} f1 {f['f1']:.3f} < 0.85")
text = load("text")["micro"]["f1"]
for fmt in ("docx", "html"):
    m = load(fmt)["micro"]["f1"]
    if m < text - 0.02:
        bad.append(f"{fmt} micro-F1 {m:.3f} more than 0.02 under the text's {text:.3f}")
for b in bad:
    print("cli_heldout: " + b, file=sys.stderr)
print(f"micro-F1 {micro:.3f} (text {text:.3f} on the Word/HTML documents)")
sys.exit(1 if bad else 0)
PY

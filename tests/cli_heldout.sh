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
. "$PX_SOURCE_DIR/tests/lib/score_bar.sh"
score_bar cli_heldout "$ho" 0.95 0.85 "$out/all.json" "$ho"/*.txt

# The Word and HTML copies must score within 0.02 of their text versions.
docs=$(for f in "$ho"/docx/*.docx; do basename "$f" .docx; done)
text_of() { for d in $docs; do echo "$ho/$d.txt"; done; }
export SCORE_DOCS
SCORE_DOCS=$(echo $docs | tr ' ' ,)
score_bar cli_heldout-text "$ho" 0 0 "$out/text.json" $(text_of)
score_bar cli_heldout-docx "$ho" 0 0 "$out/docx.json" "$ho"/docx/*.docx
score_bar cli_heldout-html "$ho" 0 0 "$out/html.json" "$ho"/html/*.html

python3 - "$out" <<'PY'
import json, os, sys
load = lambda n: json.load(open(os.path.join(sys.argv[1], n + ".json")))
text = load("text")["micro"]["f1"]
bad = [f"{fmt} micro-F1 {load(fmt)['micro']['f1']:.3f} more than 0.02 under the text's {text:.3f}"
       for fmt in ("docx", "html") if load(fmt)["micro"]["f1"] < text - 0.02]
for b in bad:
    print("cli_heldout: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

#!/usr/bin/env bash
# cli_heldout2 — `planex parse --dump=records` on the second held-out set
# (tests/heldout2: a ward's plan, a portal HTML page, a Word file with
# automatic numbering, a department's plan on another decision and a TCVN3
# text), scored with the reference scorer: micro-F1 >= 0.95 and every field
# >= 0.85, so rules that only fit the corpora and the first held-out set
# fail the build.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
. "$PX_SOURCE_DIR/tests/lib/score_bar.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ho="$PX_SOURCE_DIR/tests/heldout2"
score_bar cli_heldout2 "$ho" 0.95 0.85 "$out/score.json" "$ho"/*.txt "$ho"/*.html "$ho"/*.docx

#!/usr/bin/env bash
# cli_heldout3 — `planex parse --dump=records` on the third held-out set
# (tests/heldout3: a province's markdown plan, a department's plan with a
# tab appendix, an economic-zone authority's plan with role lines, a
# commune's plan and a Chairman's directive with no task parts), scored with
# the reference scorer: micro-F1 >= 0.95 and every field >= 0.85.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
. "$PX_SOURCE_DIR/tests/lib/score_bar.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ho="$PX_SOURCE_DIR/tests/heldout3"
score_bar cli_heldout3 "$ho" 0.95 0.85 "$out/score.json" "$ho"/*.txt

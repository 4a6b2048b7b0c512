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
. "$PX_SOURCE_DIR/tests/lib/score_bar.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ho="$PX_SOURCE_DIR/tests/heldout5"
score_bar cli_heldout5 "$ho" 0.95 0.85 "$out/score.json" "$ho"/*.txt "$ho"/*.docx

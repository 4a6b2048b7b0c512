#!/usr/bin/env bash
# cli_heldout6 — `planex parse --dump=records` on the sixth held-out set
# (tests/heldout6: a province's plan with a pipe-table appendix whose number
# cells carry a dot, a province-level city's plan with a tab-separated
# appendix and a repeated header, and a department's plan whose role lines
# "Đơn vị chủ trì: …" carry no bullet), scored with the reference scorer:
# micro-F1 >= 0.95 and every field >= 0.85.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
. "$PX_SOURCE_DIR/tests/lib/score_bar.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ho="$PX_SOURCE_DIR/tests/heldout6"
score_bar cli_heldout6 "$ho" 0.95 0.85 "$out/score.json" "$ho"/*.txt

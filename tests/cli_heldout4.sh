#!/usr/bin/env bash
# cli_heldout4 — `planex parse --dump=records` on the fourth held-out set
# (tests/heldout4: PDF text with hard line breaks and form feeds, a
# `pdftotext -layout` plan with a space-aligned appendix, a decision with
# "- Cơ quan chủ trì/phối hợp/Thời gian hoàn thành" items, two Word files
# and a Word "Web Page" in windows-1258), scored with the reference scorer:
# micro-F1 >= 0.95 and every field >= 0.85.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
. "$PX_SOURCE_DIR/tests/lib/score_bar.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ho="$PX_SOURCE_DIR/tests/heldout4"
score_bar cli_heldout4 "$ho" 0.95 0.85 "$out/score.json" "$ho"/*.txt "$ho"/*.html "$ho"/*.docx

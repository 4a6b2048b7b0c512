#!/usr/bin/env bash
# cli_extract — `planex parse --dump=records` on the text corpus, scored
# against the gold with the reference scorer: micro-F1 >= 0.95 and every
# field >= 0.90, so a regression in extraction fails the build.
set -euo pipefail
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
. "$PX_SOURCE_DIR/tests/lib/score_bar.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
score_bar cli_extract "$PX_SOURCE_DIR/tests/gold" 0.95 0.90 "$out/score.json" \
    "$PX_SOURCE_DIR"/corpora/text/*.txt

#!/usr/bin/env bash
# Every C source and header under pipeline/ parsers/ cli/ tests/ bench/ is
# formatted as .clang-format says (clang-format --dry-run -Werror). Lists the
# files that differ; `clang-format -i FILE` fixes one. The configuration is
# checked with clang-format 14 (other versions may disagree on a few lines).
# Without clang-format ($CLANG_FORMAT, default clang-format) the test is
# skipped (exit 77).
set -u
: "${PX_SOURCE_DIR:?}"
cd "$PX_SOURCE_DIR" || exit 1
cf=${CLANG_FORMAT:-clang-format}
if ! command -v "$cf" >/dev/null 2>&1; then
    echo "skipped: '$cf' not found"
    exit 77
fi

bad=()
while IFS= read -r -d '' f; do
    "$cf" --dry-run -Werror --style=file "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(find pipeline parsers cli tests bench -type f \( -name '*.c' -o -name '*.h' \) -print0 |
    sort -z)

if [ ${#bad[@]} -gt 0 ]; then
    echo "FAIL: ${#bad[@]} files not formatted ($("$cf" --version)); fix with '$cf -i FILE':" >&2
    printf '  %s\n' "${bad[@]}" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
echo "1 passed, 0 failed"

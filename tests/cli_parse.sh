#!/usr/bin/env bash
# planex parse: JSON Lines for every corpus text file, the appendix as one
# table with its numbered rows, exit 1 (and the other files still printed)
# when one file is refused, usage errors, --help.
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
fail=0
check() { if ! "$@"; then echo "FAIL: $*" >&2; fail=1; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
corpus="$PX_SOURCE_DIR/corpora/text"

# file base name and numbered appendix rows
while read -r base rows; do
    out="$tmp/$base.jsonl"
    "$PLANEX" parse "$corpus/$base.txt" >"$out" 2>"$tmp/err"
    check test $? -eq 0
    check python3 - "$out" "$rows" <<'PY'
import json, re, sys
path, want = sys.argv[1], int(sys.argv[2])
tables = []
with open(path, encoding="utf-8") as f:
    for line in f:
        o = json.loads(line)  # every line is one JSON object
        assert o["type"] in ("heading", "paragraph", "list_item", "footnote", "table"), o
        assert {"line", "byte", "len"} <= set(o["span"]), o
        if o["type"] == "table":
            tables.append(o)
assert len(tables) == 1, f"{path}: {len(tables)} tables"
rows = tables[0]["rows"]
got = sum(1 for r in rows if not r["header"] and re.fullmatch(r"\d+\.?", r["cells"][0]["text"]))
assert got == want, f"{path}: {got} numbered rows, want {want}"
assert rows[0]["header"] is True
PY
done <<'LIST'
nghe-an_kh-333-2026_qd534 18
quang-ngai_qd-2026_qd534 16
thanh-hoa_kh-2026_qd534 12
nghe-an-vpubnd_kh-662-2026_ct15 8
nghe-an_qd-3667-2024_cchc2025 45
LIST

# a refused file gives exit 1, one error on stderr, and the next file is still printed
printf 'abc\n\xC3( def\n' >"$tmp/bad.txt"
"$PLANEX" parse "$tmp/bad.txt" "$corpus/nghe-an-vpubnd_kh-662-2026_ct15.txt" >"$tmp/out" 2>"$tmp/err"
check test $? -eq 1
check grep -q 'bad.txt:2.*error\|bad.txt:2.*ERROR' "$tmp/err"
check test "$(grep -c '"type":"table"' "$tmp/out")" -eq 1

# usage errors and help
"$PLANEX" parse --dump=nonsense "$corpus/thanh-hoa_kh-2026_qd534.txt" >/dev/null 2>&1
check test $? -eq 2
"$PLANEX" parse >/dev/null 2>&1
check test $? -eq 2
"$PLANEX" parse --help | grep -q 'dump=blocks'
check test $? -eq 0

if [ $fail -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail

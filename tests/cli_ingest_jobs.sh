#!/usr/bin/env bash
# planex ingest -j N: worker threads extract, one writer stores in file order,
# so the database says exactly what a serial ingest says (bad files refused
# one by one, duplicates skipped, a later version of a key replaces the older).
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$tmp/in/dup"
cp -r "$PX_SOURCE_DIR/corpora/text" "$PX_SOURCE_DIR/corpora/html" "$PX_SOURCE_DIR/corpora/docx" "$tmp/in/"
f=$(ls "$tmp/in/text"/*.txt | head -n 1)
cp "$f" "$tmp/in/dup/copy.txt"                          # same content, other key: a duplicate
printf '\xff\xfe\x00bad' >"$tmp/in/text/zz-bad.txt"      # refused
printf 'PK\003\004 broken' >"$tmp/in/docx/zz-bad.docx"  # refused

"$PLANEX" ingest -q --db "$tmp/one.db" "$tmp/in" 2>"$tmp/err1"; rc1=$?
"$PLANEX" ingest -j 2 --db "$tmp/two.db" "$tmp/in" 2>"$tmp/err2"; rc2=$?
[ "$rc1" = 1 ] && [ "$rc2" = 1 ] || fail "exit codes $rc1 $rc2 (1 expected: refused files)"
grep -q "refused" "$tmp/err2" || fail "summary"
[ "$(grep -c 'zz-bad' "$tmp/err1")" = "$(grep -c 'zz-bad' "$tmp/err2")" ] || fail "diagnostics differ"

"$PLANEX" export --db "$tmp/one.db" >"$tmp/one" || fail "export serial"
"$PLANEX" export --db "$tmp/two.db" >"$tmp/two" || fail "export -j 2"
[ -s "$tmp/one" ] || fail "empty export"
cmp -s "$tmp/one" "$tmp/two" || { diff "$tmp/one" "$tmp/two" | head; fail "-j 2 differs from a serial ingest"; }

# again with more workers than files left: nothing new
"$PLANEX" ingest -j 4 --db "$tmp/two.db" "$tmp/in" 2>"$tmp/err3"
grep -q " 0 new, 0 replaced, " "$tmp/err3" || { cat "$tmp/err3"; fail "second run stored something"; }
# reextract after a parallel ingest: spans and all identical
"$PLANEX" reextract -q --db "$tmp/two.db" || fail "reextract"
"$PLANEX" export --db "$tmp/two.db" | cmp -s - "$tmp/one" || fail "reextract after -j 2 changed records"
"$PLANEX" ingest -j 0 --db "$tmp/x.db" "$tmp/in" 2>/dev/null; [ $? -eq 2 ] || fail "-j 0 accepted"
echo ok

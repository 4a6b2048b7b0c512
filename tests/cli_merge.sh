#!/usr/bin/env bash
# planex merge: two shards (one duplicate between them) merged into one
# database export exactly what a single ingest of every file exports.
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
query() { python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str, row)))' "$1" "$2"; }

# The same paths in every database: the export names them.
mkdir -p "$tmp/in"
cp -r "$PX_SOURCE_DIR/corpora/text" "$PX_SOURCE_DIR/corpora/html" "$PX_SOURCE_DIR/corpora/docx" "$tmp/in/"
find "$tmp/in" -type f | sort >"$tmp/all"
n=$(wc -l <"$tmp/all")
[ "$n" -ge 4 ] || fail "too few corpus files"
half=$((n / 2))
head -n "$half" "$tmp/all" >"$tmp/a.list"
tail -n +"$((half + 1))" "$tmp/all" >"$tmp/b.list"
head -n 1 "$tmp/a.list" >>"$tmp/b.list" # one duplicate across the shards

xargs -a "$tmp/a.list" "$PLANEX" ingest -q --db "$tmp/a.db" || fail "ingest a"
xargs -a "$tmp/b.list" "$PLANEX" ingest -q --db "$tmp/b.db" || fail "ingest b"
xargs -a "$tmp/all" "$PLANEX" ingest -q --db "$tmp/one.db" || fail "single ingest"

"$PLANEX" merge "$tmp/c.db" "$tmp/a.db" "$tmp/b.db" 2>"$tmp/err" || { cat "$tmp/err"; fail "merge"; }
grep -q "merged $n new, 0 replaced, 1 duplicates" "$tmp/err" || { cat "$tmp/err"; fail "merge summary"; }

"$PLANEX" export --db "$tmp/c.db" | sort >"$tmp/c.jsonl" || fail "export merged"
"$PLANEX" export --db "$tmp/one.db" | sort >"$tmp/one.jsonl" || fail "export single"
[ -s "$tmp/one.jsonl" ] || fail "empty export"
cmp -s "$tmp/c.jsonl" "$tmp/one.jsonl" || { diff "$tmp/c.jsonl" "$tmp/one.jsonl" | head; fail "merged export differs from a single ingest"; }

# every child row came along (blocks, rows, cells, agencies, maps)
for t in blocks table_rows cells tasks task_agencies targets facts block_maps; do
  [ "$(query "$tmp/c.db" "select count(*) from $t")" = "$(query "$tmp/one.db" "select count(*) from $t")" ] ||
    fail "row count of $t differs"
done

# merging again adds nothing; reextract works on the merged database
"$PLANEX" merge "$tmp/c.db" "$tmp/b.db" 2>"$tmp/err2" || fail "second merge"
grep -q "merged 0 new, 0 replaced, $((n - half + 1)) duplicates" "$tmp/err2" || { cat "$tmp/err2"; fail "second merge summary"; }
"$PLANEX" reextract -q --db "$tmp/c.db" || fail "reextract merged"
"$PLANEX" export --db "$tmp/c.db" | sort | cmp -s - "$tmp/one.jsonl" || fail "reextract of the merged database changed it"

# a changed version of one document in a later shard replaces the older one
f=$(grep '\.txt$' "$tmp/all" | head -n 1)
[ -n "$f" ] || fail "no text file in the corpus"
printf '\nPhụ lục bổ sung.\n' >>"$f"
"$PLANEX" ingest -q --db "$tmp/d.db" "$f" || fail "ingest changed file"
"$PLANEX" merge "$tmp/c.db" "$tmp/d.db" 2>"$tmp/err3" || fail "merge changed"
grep -q "merged 0 new, 1 replaced, 0 duplicates" "$tmp/err3" || { cat "$tmp/err3"; fail "replace summary"; }
[ "$(query "$tmp/c.db" 'select count(*) from documents')" = "$n" ] || fail "replacement kept two versions"

# bad inputs
"$PLANEX" merge "$tmp/c.db" 2>/dev/null; [ $? -eq 2 ] || fail "usage error expected"
echo "not a database" >"$tmp/bad.db"
"$PLANEX" merge "$tmp/c.db" "$tmp/bad.db" 2>/dev/null; [ $? -eq 3 ] || fail "bad input database accepted"
echo ok

#!/usr/bin/env bash
# planex ingest: idempotence, replacement of a changed file, bad inputs refused
# one by one while the batch goes on, and two concurrent writers into one file.
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
corpus=$PX_SOURCE_DIR/corpora/text
db=$tmp/plans.db

# The whole content of a database, as SQL text (python's sqlite3: no extra tool needed).
dump() { python3 -c 'import sqlite3, sys
for line in sqlite3.connect(sys.argv[1]).iterdump(): print(line)' "$1"; }
query() { python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str, row)))' "$1" "$2"; }

ndocs=$(ls "$corpus"/*.txt | wc -l)

# 1. first ingest: every file new
"$PLANEX" ingest --db "$db" "$corpus" 2>"$tmp/err1" || { cat "$tmp/err1"; fail "first ingest"; }
grep -q "ingested $ndocs new, 0 replaced, 0 unchanged, 0 refused" "$tmp/err1" || { cat "$tmp/err1"; fail "first summary"; }
[ "$(query "$db" 'select count(*) from documents')" = "$ndocs" ] || fail "documents stored"
[ "$(query "$db" 'select count(*) from blocks')" -gt 0 ] || fail "no blocks stored"
[ "$(query "$db" 'pragma user_version')" -ge 1 ] || fail "schema version not set"

# 2. the same files again: nothing new, the database unchanged
dump "$db" >"$tmp/dump1"
"$PLANEX" ingest --db "$db" "$corpus" 2>"$tmp/err2" || fail "second ingest"
grep -q "0 new, 0 replaced, $ndocs unchanged, 0 refused" "$tmp/err2" || { cat "$tmp/err2"; fail "second summary"; }
dump "$db" >"$tmp/dump2"
cmp -s "$tmp/dump1" "$tmp/dump2" || fail "second ingest changed the database"

# 3. a changed copy with the same base name replaces the old version
first=$(ls "$corpus"/*.txt | head -n 1)
key=$(basename "$first" .txt)
mkdir "$tmp/changed"
{ cat "$first"; printf '\nMột dòng thêm vào cuối văn bản.\n'; } >"$tmp/changed/$key.txt"
newsha=$(sha256sum "$tmp/changed/$key.txt" | cut -d' ' -f1)
"$PLANEX" ingest --db "$db" "$tmp/changed" 2>"$tmp/err3" || { cat "$tmp/err3"; fail "changed ingest"; }
grep -q "0 new, 1 replaced, 0 unchanged" "$tmp/err3" || { cat "$tmp/err3"; fail "replace summary"; }
[ "$(query "$db" "select count(*) from documents where doc_key = '$key'")" = 1 ] || fail "one row per key"
[ "$(query "$db" "select sha256 from documents where doc_key = '$key'")" = "$newsha" ] || fail "new sha"
[ "$(query "$db" 'select count(*) from documents')" = "$ndocs" ] || fail "replace added a document"
[ "$(query "$db" 'select count(*) from blocks where doc_id not in (select id from documents)')" = 0 ] ||
  fail "old blocks left behind"
# the batch writer deletes an old version's rows itself (foreign keys are off while it writes)
[ -z "$(query "$db" 'PRAGMA foreign_key_check')" ] || fail "rows without their parent after a replace"
for t in block_maps extraction_digests extraction_state facts document_implements tasks targets; do
  [ "$(query "$db" "select count(*) from $t where doc_id not in (select id from documents)")" = 0 ] ||
    fail "old $t rows left behind"
done
[ "$(query "$db" 'select count(*) from cells where row_id not in (select id from table_rows)')" = 0 ] ||
  fail "old cells left behind"

# 4. bad inputs: one error line each naming file and line, exit 1, the rest stored
mkdir "$tmp/bad"
: >"$tmp/bad/empty.txt"
printf 'Kế hoạch\0\0\001binary\n' >"$tmp/bad/binary.txt"
printf 'Dòng một\nDòng hai\nDòng ba \xff\xfe lỗi\n' >"$tmp/bad/latin.txt"
second=$(ls "$corpus"/*.txt | sed -n 2p)
{ cat "$second"; printf '\nPhụ lục bổ sung.\n'; } >"$tmp/bad/good-copy.txt"
before=$(query "$db" 'select doc_key, sha256 from documents order by doc_key')
"$PLANEX" ingest -q --db "$db" "$tmp/bad" 2>"$tmp/err4"
rc=$?
[ "$rc" = 1 ] || { cat "$tmp/err4"; fail "bad inputs: exit $rc, want 1"; }
for f in empty binary latin; do
  [ "$(grep -c "^planex: $tmp/bad/$f.txt:[0-9][0-9]*\(:[0-9]*\)\?: error: " "$tmp/err4")" = 1 ] ||
    { cat "$tmp/err4"; fail "no single error line with a line number for $f.txt"; }
done
grep -q "^planex: $tmp/bad/latin.txt:3[:]" "$tmp/err4" || { cat "$tmp/err4"; fail "invalid UTF-8 not at line 3"; }
grep -q "good-copy.txt" "$tmp/err4" && fail "the good file was refused"
[ "$(query "$db" "select count(*) from documents where doc_key = 'good-copy'")" = 1 ] || fail "good file not stored"
for f in empty binary latin; do
  [ "$(query "$db" "select count(*) from documents where doc_key = '$f'")" = 0 ] || fail "$f.txt stored"
done
after=$(query "$db" "select doc_key, sha256 from documents where doc_key <> 'good-copy' order by doc_key")
[ "$before" = "$after" ] || fail "refusals changed what was stored"

# 5. two concurrent ingests into one fresh database
cdb=$tmp/concurrent.db
"$PLANEX" ingest -q --db "$cdb" "$corpus" 2>"$tmp/c1" &
p1=$!
"$PLANEX" ingest -q --db "$cdb" "$corpus" "$tmp/bad/good-copy.txt" 2>"$tmp/c2" &
p2=$!
wait "$p1" || { cat "$tmp/c1"; fail "concurrent ingest 1"; }
wait "$p2" || { cat "$tmp/c2"; fail "concurrent ingest 2"; }
[ "$(query "$cdb" 'pragma integrity_check')" = ok ] || fail "integrity check"
[ "$(query "$cdb" 'select count(*) from documents')" = $((ndocs + 1)) ] || fail "concurrent document count"

# 6. usage errors and help
"$PLANEX" ingest --help | grep -q "exit codes" || fail "help"
"$PLANEX" ingest "$corpus" 2>/dev/null; [ $? = 2 ] || fail "missing --db is not a usage error"
echo "cli_ingest: ok"

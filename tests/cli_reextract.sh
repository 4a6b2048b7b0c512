#!/usr/bin/env bash
# planex reextract: after a rule edit, extraction re-run from the stored blocks
# (no source file read) gives exactly what a fresh ingest with the edited rules
# gives, spans included; unchanged rules change nothing and write nothing; only
# the documents a rule edit touches are written; an edit of target rules or of
# the metric list runs the targets stage alone, any other edit every stage, and
# both give what a fresh ingest gives; a damaged task map falls back to every
# stage; an older database (schema 1, no digests) is brought up to date.
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
src=$PX_SOURCE_DIR/corpora
mkdir -p "$tmp/in"
cp -r "$src/text" "$src/html" "$src/docx" "$tmp/in/"

"$PLANEX" ingest -q --db "$tmp/a.db" "$tmp/in" || fail "ingest"
"$PLANEX" export --db "$tmp/a.db" >"$tmp/before" || fail "export"

ndocs=$(sqlite3 "$tmp/a.db" 'SELECT count(*) FROM documents')
# changed COUNT: the summary of the last reextract says COUNT documents changed
changed() {
  grep -q "^reextracted $ndocs documents ($1 changed, " "$tmp/summary" ||
    fail "expected $1 of $ndocs documents changed: $(cat "$tmp/summary")"
}
# ran ALL TARGETS NONE: how many documents went each way (every stage, the targets stage
# alone, nothing: made with the same rules)
ran() {
  grep -q "every stage ran on $1, the targets stage alone on $2, none on $3 " "$tmp/summary" ||
    fail "expected stages run on $1/$2/$3 documents: $(cat "$tmp/summary")"
}

# 1. same rules: nothing changes, nothing is written (the file's bytes stay)
sqlite3 "$tmp/a.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
sum_before=$(sha256sum <"$tmp/a.db")
"$PLANEX" reextract --db "$tmp/a.db" 2>"$tmp/summary" || fail "reextract with the same rules"
changed 0
ran 0 0 "$ndocs"
# --full runs every stage all the same, and finds nothing to write either
"$PLANEX" reextract --full --db "$tmp/a.db" 2>"$tmp/summary" || fail "reextract --full"
changed 0
ran "$ndocs" 0 0
sqlite3 "$tmp/a.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
[ "$(sha256sum <"$tmp/a.db")" = "$sum_before" ] || fail "unchanged rules wrote to the database"
"$PLANEX" export --db "$tmp/a.db" >"$tmp/same" || fail "export"
cmp -s "$tmp/before" "$tmp/same" || { diff "$tmp/before" "$tmp/same" | head; fail "unchanged rules changed the records"; }

# 1b. a schema-1 database (no digest or state table): opened, brought to schema 3,
# every stage run and every document written once, then unchanged again
cp "$tmp/a.db" "$tmp/old.db"
sqlite3 "$tmp/old.db" 'DROP TABLE extraction_digests; DROP TABLE extraction_state;
  PRAGMA user_version = 1'
"$PLANEX" reextract --db "$tmp/old.db" 2>"$tmp/summary" || fail "reextract of a schema-1 database"
changed "$ndocs"
ran "$ndocs" 0 0
[ "$(sqlite3 "$tmp/old.db" 'PRAGMA user_version')" = 3 ] || fail "schema not brought to 3"
"$PLANEX" reextract --db "$tmp/old.db" 2>"$tmp/summary" || fail "second reextract"
changed 0
ran 0 0 "$ndocs"
"$PLANEX" export --db "$tmp/old.db" | cmp -s - "$tmp/before" || fail "schema-1 database: records differ"

# 2. a rule edit: one metric renamed, one target rule dropped
cp -r "$PX_SOURCE_DIR/rules" "$tmp/rules"
cp "$tmp/a.db" "$tmp/j.db" # for -j 2 below
task_rows() { sqlite3 "$1" 'SELECT group_concat(id) FROM (SELECT id FROM tasks ORDER BY id)'; }
tasks_before=$(task_rows "$tmp/a.db")
sed -i 's/^metric: online_conference_share$/metric: other:online_share_edited\nunit: %/' "$tmp/rules/targets.rules"
sed -i '/^@target.conference_duration_briefing$/,/^$/d' "$tmp/rules/targets.rules"
cmp -s "$tmp/rules/targets.rules" "$PX_SOURCE_DIR/rules/targets.rules" && fail "the rule edit did nothing"
cp "$tmp/a.db" "$tmp/bad.db" # for a damaged task map below

# reextract must not read the sources: take them away first
mv "$tmp/in" "$tmp/gone"
"$PLANEX" reextract --db "$tmp/a.db" --rules "$tmp/rules" 2>"$tmp/summary" ||
  fail "reextract with edited rules"
"$PLANEX" export --db "$tmp/a.db" >"$tmp/re" || fail "export after reextract"
mv "$tmp/gone" "$tmp/in"

"$PLANEX" ingest -q --db "$tmp/fresh.db" --rules "$tmp/rules" "$tmp/in" || fail "fresh ingest"
"$PLANEX" export --db "$tmp/fresh.db" >"$tmp/fresh" || fail "export fresh"

grep -q 'other:online_share_edited' "$tmp/re" || fail "the edited metric is not in the reextracted records"
cmp -s "$tmp/before" "$tmp/re" && fail "reextract changed nothing"
cmp -s "$tmp/re" "$tmp/fresh" || { diff "$tmp/re" "$tmp/fresh" | head; fail "reextract differs from a fresh ingest"; }
# the documents reported changed are exactly those whose exported records differ
want=$(python3 - "$tmp/before" "$tmp/re" <<'EOF'
import json, sys
def docs(path):  # export order: each document record, then its tasks and targets
    out = []
    for line in open(path):
        if json.loads(line)["type"] == "document":
            out.append([])
        out[-1].append(line)
    return dict(enumerate(out))
a, b = docs(sys.argv[1]), docs(sys.argv[2])
print(sum(1 for k in b if a.get(k) != b[k]))
EOF
)
[ "$want" -gt 0 ] && [ "$want" -lt "$ndocs" ] || fail "the edit should touch some documents, not all: $want"
changed "$want"
ran 0 "$ndocs" 0
# a targets-only edit rewrites targets, and leaves the task rows as they were
[ "$(task_rows "$tmp/a.db")" = "$tasks_before" ] || fail "a target rule edit rewrote the tasks"

# 2a. the same with two worker threads: the same records, the same documents written
mv "$tmp/in" "$tmp/gone"
"$PLANEX" reextract -j 2 --db "$tmp/j.db" --rules "$tmp/rules" 2>"$tmp/summary" ||
  fail "reextract -j 2"
mv "$tmp/gone" "$tmp/in"
changed "$want"
ran 0 "$ndocs" 0
"$PLANEX" export --db "$tmp/j.db" | cmp -s - "$tmp/re" || fail "reextract -j 2 differs from -j 1"
"$PLANEX" reextract -j 0 --db "$tmp/j.db" 2>/dev/null; [ $? -eq 2 ] || fail "-j 0: usage error expected"

# 2b. a deadline rule edit: only deadline fields change, and they are written
cp -r "$PX_SOURCE_DIR/rules" "$tmp/rules2"
sed -i '/^@deadline.continuous$/,/^$/d' "$tmp/rules2/deadlines.rules"
"$PLANEX" reextract -q --db "$tmp/fresh.db" --rules "$tmp/rules2" || fail "reextract, deadline edit"
"$PLANEX" ingest -q --db "$tmp/fresh2.db" --rules "$tmp/rules2" "$tmp/in" || fail "fresh ingest 2"
"$PLANEX" export --db "$tmp/fresh.db" >"$tmp/re2" || fail "export, deadline edit"
"$PLANEX" export --db "$tmp/fresh2.db" >"$tmp/fresh2" || fail "export, fresh ingest 2"
cmp -s "$tmp/re" "$tmp/re2" && fail "the deadline edit changed nothing"
cmp -s "$tmp/re2" "$tmp/fresh2" || { diff "$tmp/re2" "$tmp/fresh2" | head; fail "deadline edit: reextract differs from a fresh ingest"; }

# 2c. the stages before the targets read the agency tables: an alias dropped runs every
# stage; a metric added to the list runs the targets stage alone; both as a fresh ingest
edit_and_compare() { # NAME ALL TARGETS: reextract a.db with rules3, check against a fresh ingest
  "$PLANEX" reextract --db "$tmp/a.db" --rules "$tmp/rules3" 2>"$tmp/summary" || fail "$1: reextract"
  ran "$2" "$3" 0
  rm -f "$tmp/fresh3.db"
  "$PLANEX" ingest -q --db "$tmp/fresh3.db" --rules "$tmp/rules3" "$tmp/in" || fail "$1: ingest"
  "$PLANEX" export --db "$tmp/a.db" >"$tmp/re3" || fail "$1: export"
  "$PLANEX" export --db "$tmp/fresh3.db" | cmp -s - "$tmp/re3" || fail "$1: differs from a fresh ingest"
}
cp -r "$tmp/rules" "$tmp/rules3"
grep -q '|VP UBND tỉnh|' "$tmp/rules3/agencies.tsv" || fail "no alias to drop in agencies.tsv"
sed -i 's/|VP UBND tỉnh|/|/' "$tmp/rules3/agencies.tsv"
edit_and_compare "agency edit" "$ndocs" 0
printf 'added_metric\t%%\tA metric no rule names\n' >>"$tmp/rules3/metrics.tsv"
edit_and_compare "metric list edit" 0 "$ndocs"

# 2d. a damaged task map is not trusted: that document gets every stage, and the same result
sqlite3 "$tmp/bad.db" "UPDATE extraction_state SET task_map = x'0107' WHERE doc_id = 1;
  UPDATE extraction_state SET task_map = x'' WHERE doc_id = 2" || fail "damage the task map"
"$PLANEX" reextract --db "$tmp/bad.db" --rules "$tmp/rules" 2>"$tmp/summary" || fail "reextract, bad map"
ran 2 "$((ndocs - 2))" 0
"$PLANEX" export --db "$tmp/bad.db" | cmp -s - "$tmp/re" || fail "a damaged task map changed the result"

# 3. one document by key
key=$(basename "$(ls "$tmp/in/text"/*.txt | head -1)" .txt)
"$PLANEX" reextract -q --db "$tmp/a.db" "$key" || fail "reextract one key"
"$PLANEX" reextract --db 2>/dev/null; [ $? -eq 2 ] || fail "usage error expected"
echo "ok"

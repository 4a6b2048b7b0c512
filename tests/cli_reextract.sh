#!/usr/bin/env bash
# planex reextract: after a rule edit, extraction re-run from the stored blocks
# (no source file read) gives exactly what a fresh ingest with the edited rules
# gives, spans included; unchanged rules change nothing.
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

# 1. same rules: nothing changes
"$PLANEX" reextract -q --db "$tmp/a.db" || fail "reextract with the same rules"
"$PLANEX" export --db "$tmp/a.db" >"$tmp/same" || fail "export"
cmp -s "$tmp/before" "$tmp/same" || { diff "$tmp/before" "$tmp/same" | head; fail "unchanged rules changed the records"; }

# 2. a rule edit: one metric renamed, one target rule dropped
cp -r "$PX_SOURCE_DIR/rules" "$tmp/rules"
sed -i 's/^metric: online_conference_share$/metric: other:online_share_edited\nunit: %/' "$tmp/rules/targets.rules"
sed -i '/^@target.conference_duration_briefing$/,/^$/d' "$tmp/rules/targets.rules"
cmp -s "$tmp/rules/targets.rules" "$PX_SOURCE_DIR/rules/targets.rules" && fail "the rule edit did nothing"

# reextract must not read the sources: take them away first
mv "$tmp/in" "$tmp/gone"
"$PLANEX" reextract -q --db "$tmp/a.db" --rules "$tmp/rules" || fail "reextract with edited rules"
"$PLANEX" export --db "$tmp/a.db" >"$tmp/re" || fail "export after reextract"
mv "$tmp/gone" "$tmp/in"

"$PLANEX" ingest -q --db "$tmp/fresh.db" --rules "$tmp/rules" "$tmp/in" || fail "fresh ingest"
"$PLANEX" export --db "$tmp/fresh.db" >"$tmp/fresh" || fail "export fresh"

grep -q 'other:online_share_edited' "$tmp/re" || fail "the edited metric is not in the reextracted records"
cmp -s "$tmp/before" "$tmp/re" && fail "reextract changed nothing"
cmp -s "$tmp/re" "$tmp/fresh" || { diff "$tmp/re" "$tmp/fresh" | head; fail "reextract differs from a fresh ingest"; }

# 3. one document by key
key=$(basename "$(ls "$tmp/in/text"/*.txt | head -1)" .txt)
"$PLANEX" reextract -q --db "$tmp/a.db" "$key" || fail "reextract one key"
"$PLANEX" reextract --db 2>/dev/null; [ $? -eq 2 ] || fail "usage error expected"
echo "ok"

#!/usr/bin/env bash
# planex export: JSON Lines that parse (one document record per document, the
# contract's fields) and CSV tables that the csv module reads with their header.
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
db=$tmp/plans.db
corpus=$PX_SOURCE_DIR/corpora/text
ndocs=$(ls "$corpus"/*.txt | wc -l)
"$PLANEX" ingest -q --db "$db" "$corpus" || fail "ingest"

"$PLANEX" export --db "$db" --format jsonl >"$tmp/all.jsonl" || fail "export jsonl"
python3 - "$tmp/all.jsonl" "$ndocs" <<'PY' || fail "jsonl content"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
docs = [r for r in recs if r["type"] == "document"]
assert len(docs) == int(sys.argv[2]), len(docs)
assert len({d["doc"] for d in docs}) == len(docs)
for d in docs:
    for k in ("doc", "path", "sha256", "format", "kind", "number", "issuer", "province", "issued", "implements"):
        assert k in d, k
    assert len(d["sha256"]) == 64
seen = set()
for r in recs:  # the document record comes before its tasks and targets
    if r["type"] == "document":
        seen.add(r["doc"])
    else:
        assert r["doc"] in seen, r
        assert r["type"] in ("task", "target")
tasks = [r for r in recs if r["type"] == "task"]
assert tasks, "no tasks"
for t in tasks:
    for k in ("id", "origin", "ordinal", "text", "product", "leads", "partners", "deadline", "span"):
        assert k in t, k
PY

key=$(basename "$(ls "$corpus"/*.txt | head -n 1)" .txt)
"$PLANEX" export --db "$db" --doc "$key" >"$tmp/one.jsonl" || fail "export one"
[ "$(grep -c '"type":"document"' "$tmp/one.jsonl")" = 1 ] || fail "--doc selects one document"
grep -qv "\"doc\":\"$key\"" "$tmp/one.jsonl" && fail "--doc leaked other documents"
"$PLANEX" export --db "$db" --why | grep -q '"rule"' || fail "--why adds rules"

for what in tasks targets documents; do
  "$PLANEX" export --db "$db" --format csv --what "$what" >"$tmp/$what.csv" || fail "csv $what"
  python3 - "$tmp/$what.csv" "$what" "$ndocs" <<'PY' || fail "csv $what content"
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
header = rows[0]
assert header[0] == "doc", header
assert all(len(r) == len(header) for r in rows), "ragged rows"
if sys.argv[2] == "tasks":
    assert "leads" in header and "deadline_kind" in header
    assert len(rows) > 1
if sys.argv[2] == "documents":
    assert len(rows) == 1 + int(sys.argv[3])
PY
done

"$PLANEX" export --db "$db" --format xml 2>/dev/null; [ $? = 2 ] || fail "bad format is a usage error"
"$PLANEX" export --help | grep -q "exit codes" || fail "help"
echo "cli_export: ok"

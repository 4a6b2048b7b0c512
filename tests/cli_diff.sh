#!/usr/bin/env bash
# planex diff: the corpus plans against the shipped baseline match
# tests/gold/diff-534.tsv exactly; perturbed plans (tests/cases/diff/perturb.tsv,
# made here with sed) change the status they should; a plan that does not
# implement the baseline is reported, not diffed; baseline list; usage errors.
set -u
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
fail=0
check() { if ! "$@"; then echo "FAIL: $*" >&2; fail=1; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/planex.db"
src="$PX_SOURCE_DIR/corpora/text/nghe-an_kh-333-2026_qd534.txt"

check "$PLANEX" ingest -q --db "$db" "$PX_SOURCE_DIR/corpora/text"
check "$PLANEX" ingest -q --db "$db" --as-baseline "$PX_SOURCE_DIR/corpora/baseline"

# baseline list names the number the plans implement
"$PLANEX" baseline list --db "$db" >"$tmp/list"
check grep -q '^534/QĐ-TTg' "$tmp/list"

# statuses against the gold, with the reference scorer
"$PLANEX" diff --db "$db" --baseline 534/QĐ-TTg --all --format jsonl >"$tmp/diff.jsonl"
check test $? -eq 0
python3 "$PX_SOURCE_DIR/tests/tools/score.py" --diff "$PX_SOURCE_DIR/tests/gold/diff-534.tsv" \
    "$tmp/diff.jsonl" --show-errors >"$tmp/score"
check grep -qx 'diff-accuracy 1.000' "$tmp/score" || cat "$tmp/score" >&2

# every other format prints every national id of every plan
for fmt in table csv md; do
    "$PLANEX" diff --db "$db" --all --format "$fmt" >"$tmp/out.$fmt"
    check test $? -eq 0
    check test "$(grep -c 'N11' "$tmp/out.$fmt")" -eq 3
done
check grep -q 'missing (N3 N10 N11)' <("$PLANEX" diff --db "$db" --all --summary)

# a plan that implements something else is reported as such (exit 1)
"$PLANEX" diff --db "$db" --baseline 534/QĐ-TTg nghe-an-vpubnd_kh-662-2026_ct15 >"$tmp/o" 2>"$tmp/e"
check test $? -eq 1
check grep -q 'does not implement 534/QĐ-TTg' "$tmp/e"
"$PLANEX" diff --db "$db" --baseline 999/QĐ-TTg --all >/dev/null 2>"$tmp/e"
check test $? -eq 1

# perturbed plans
grep -v '^#' "$PX_SOURCE_DIR/tests/cases/diff/perturb.tsv" |
    while IFS=$'\t' read -r name script id want; do
        sed -e "$script" "$src" >"$tmp/$name.txt"
        if cmp -s "$src" "$tmp/$name.txt"; then
            echo "FAIL: $name: the sed script changed nothing" >&2
            echo 1 >"$tmp/failed"
            continue
        fi
        "$PLANEX" ingest -q --db "$db" "$tmp/$name.txt"
        got=$("$PLANEX" diff --db "$db" --format jsonl "$name" | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get("national") == sys.argv[1]:
        print(r["status"])' "$id")
        if [ "$got" != "$want" ]; then
            echo "FAIL: $name: $id is '$got', want '$want'" >&2
            echo 1 >"$tmp/failed"
        fi
    done
[ -e "$tmp/failed" ] && fail=1

# usage errors
"$PLANEX" diff --db "$db" >/dev/null 2>&1
check test $? -eq 2
"$PLANEX" diff --db "$db" --all --format xml >/dev/null 2>&1
check test $? -eq 2
check "$PLANEX" diff --help >/dev/null
exit $fail

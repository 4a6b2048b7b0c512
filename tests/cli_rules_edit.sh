#!/usr/bin/env bash
# A new phrasing is a one-line rule edit, no rebuild: copy rules/, add one
# target rule for a phrasing the shipped rules do not know, and see the
# built planex find it with --rules (and with PLANEX_RULES).
set -eu
: "${PLANEX:?}" "${PX_SOURCE_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$PX_SOURCE_DIR/rules" "$work/rules"
printf 'Kế hoạch\n\nMỗi cuộc họp giao ban không quá 45 phút.\n' > "$work/plan.txt"

count() { grep -c '"metric":"other:briefing-length"' || true; }

before=$("$PLANEX" parse --dump=records --rules "$work/rules" "$work/plan.txt" | count)
[ "$before" -eq 0 ] || { echo "FAIL: target found before the rule was added"; exit 1; }

cat >> "$work/rules/targets.rules" <<'RULE'

@target.briefing_length
metric: other:briefing-length
unit: phút
pattern: họp giao ban (?<cmp>không quá)\s*(?<value>\d+)\s*phút
example: cuộc họp giao ban không quá 45 phút
RULE

"$PLANEX" rules --rules "$work/rules" >/dev/null ||
    { echo "FAIL: edited rules do not pass their self-test"; exit 1; }
after=$("$PLANEX" parse --dump=records --rules "$work/rules" "$work/plan.txt" | count)
[ "$after" -eq 1 ] || { echo "FAIL: the new rule found $after targets, want 1"; exit 1; }
env_after=$(PLANEX_RULES="$work/rules" "$PLANEX" parse --dump=records "$work/plan.txt" | count)
[ "$env_after" -eq 1 ] || { echo "FAIL: PLANEX_RULES not honoured"; exit 1; }

# A broken pattern is refused with file:line:col.
printf '\n@target.bad\nmetric: other:x\nunit: %%\npattern: (?<value>\\d+\n' >> "$work/rules/targets.rules"
if "$PLANEX" rules --rules "$work/rules" 2>"$work/err"; then
    echo "FAIL: a bad pattern was accepted"; exit 1
fi
grep -Eq 'targets\.rules:[0-9]+:[0-9]+: error' "$work/err" ||
    { echo "FAIL: no file:line:col in:"; cat "$work/err"; exit 1; }
echo "1 passed, 0 failed"

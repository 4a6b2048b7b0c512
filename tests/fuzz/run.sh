#!/usr/bin/env bash
# Run one libFuzzer target briefly over its seeds: run.sh BINARY KIND SECONDS
# A longer run for real fuzzing: see README "Fuzzing".
set -eu
bin=$1 kind=$2 secs=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seeds="$here/seeds/$kind"
[ -d "$seeds" ] || seeds=""
dict="$here/$kind.dict"
args=(-max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
[ -f "$dict" ] && args+=(-dict="$dict")
"$bin" "${args[@]}" -artifact_prefix="$work/" "$work" $seeds
echo "1 passed, 0 failed"

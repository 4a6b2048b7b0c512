#!/usr/bin/env bash
# The main job on the bundled corpora: install, build, ingest, diff, report.
set -eu
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p out
db=out/planex.db
./build/planex ingest --db "$db" corpora/text corpora/html corpora/docx
./build/planex ingest --db "$db" --as-baseline corpora/baseline
./build/planex show --db "$db" --summary
./build/planex baseline list --db "$db"
./build/planex diff --db "$db" --baseline 534/QĐ-TTg --all --summary
./build/planex report --db "$db" --baseline 534/QĐ-TTg -o out/report
echo "report: $(pwd)/out/report/report.html"

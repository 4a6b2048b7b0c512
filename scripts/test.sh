#!/usr/bin/env bash
# The test command: install what is missing, build with ASan+UBSan and the
# libFuzzer targets (clang), run every test (unit, corpus, CLI, fuzz, browser).
set -eu
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-browser --with-bench
build=${PX_TEST_BUILD:-build-test}
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DPX_SANITIZE=ON -DPX_FUZZ=ON \
  -DPX_FUZZ_SECONDS="${PX_FUZZ_SECONDS:-15}" >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"

#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds everything with warnings as errors, and runs
# every test: unit, component and end-to-end (real binary, real SQLite, real promtool).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh test
start=$(date +%s)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-Werror >/dev/null
cmake --build build -j2
echo "build took $(( $(date +%s) - start )) s"
# A short smoke run of the benchmarks: figures printed, not asserted.
./build/bench/core_bench --benchmark_min_time=0.05 2>&1 | grep -E "^(BM_|Benchmark|-)" || true
# The browser tests' one npm package (playwright-core; the browser is Debian's chromium).
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
ctest --test-dir build --output-on-failure -j2

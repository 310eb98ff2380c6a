#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds everything with warnings as errors, runs a
# short smoke run of every benchmark (figures printed, not asserted), then every test: unit,
# component, end-to-end (real binary; SQLite, MariaDB, PostgreSQL; promtool; Prometheus) and
# the browser tests (Chromium). ctest's summary is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh test
start=$(date +%s)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-Werror >/dev/null
cmake --build build -j2
echo "build took $(( $(date +%s) - start )) s"
# The browser tests' one npm package (playwright-core; the browser is Debian's chromium).
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
./scripts/bench.sh --quick || echo "warning: the benchmark smoke run failed (figures above are incomplete)"
ctest --test-dir build --output-on-failure -j2

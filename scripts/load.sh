#!/usr/bin/env bash
# The load run of SPEC §8 (not a timed test): builds the exporter and the system benchmark,
# then prints RSS, threads and open fds before and after 1,000 event-stream connect/close
# cycles and a mixed load of scrapes, API calls, streams and ingest (30 s; `--quick`: 3 s).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
[ "${1:-}" = "--quick" ] && quick="--quick"
./scripts/install-deps.sh test >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target pipeline_exporter system_bench >/dev/null
./build/bench/system_bench --only=load $quick

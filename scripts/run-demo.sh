#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds, and runs pipeline_exporter with the demo
# simulator on the embedded SQLite default (./pipeline_events.db). Extra arguments are
# passed to the exporter, e.g. --web.listen-address=127.0.0.1:9066.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIPELINE_EXPORTER_TESTS=OFF \
  -DPIPELINE_EXPORTER_BENCHMARKS=OFF >/dev/null
cmake --build build -j2 --target pipeline_exporter
echo
echo "pipeline_exporter is starting with the demo: open http://localhost:5066/ and"
echo "http://localhost:5066/metrics (Ctrl-C stops it)."
exec ./build/pipeline_exporter --demo "$@"

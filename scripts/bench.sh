#!/usr/bin/env bash
# Runs every benchmark and prints the figures as Markdown tables: core apply (Google
# Benchmark), the fold's memory over 20,000 batches and one batch of 1,000,000 files, replay and memory (against the sqlite3 shell), insert → SSE latency per database, /metrics latency at 10k/100k/1M rows
# (also with 60 event streams), and the side-by-side with prometheus-sql-exporter on MariaDB.
# `--quick` runs small sizes only (what CI does: figures printed, not asserted).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
[ "${1:-}" = "--quick" ] && quick="--quick"
./scripts/install-deps.sh test >/dev/null
if ! dpkg-query -W -f='${Status}' prometheus-sql-exporter 2>/dev/null | grep -q "ok installed"; then
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    prometheus-sql-exporter >/dev/null
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target pipeline_exporter core_bench memory_bench latency_bench system_bench >/dev/null

echo "# pipeline_exporter benchmarks"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $(uname -r)"
echo
echo "## Core (Google Benchmark)"
echo
min_time=1; [ -n "$quick" ] && min_time=0.05
# Google Benchmark's own table (its CSV writer aborts when benchmarks have different
# counters, as BM_OpenMetrics200Series's bytes and exemplars).
./build/bench/core_bench --benchmark_min_time="$min_time" 2>/dev/null | sed 's/^/    /'
echo
./build/bench/memory_bench $quick
echo
echo "## Insert → SSE latency"
echo
./build/bench/latency_bench 300 50 500ms || echo "(latency_bench: some events did not arrive)"
./build/bench/system_bench $quick

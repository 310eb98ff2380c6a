#!/usr/bin/env bash
# Runs every benchmark and prints the figures as Markdown tables: core apply (Google
# Benchmark), replay and memory, insert → SSE latency, /metrics latency at 10k/100k/1M rows
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
cmake --build build -j2 --target pipeline_exporter core_bench latency_bench system_bench >/dev/null

echo "# pipeline_exporter benchmarks"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $(uname -r)"
echo
echo "## Core (Google Benchmark)"
echo
min_time=1; [ -n "$quick" ] && min_time=0.05
./build/bench/core_bench --benchmark_min_time="$min_time" --benchmark_format=csv 2>/dev/null |
  awk -F, 'NR==1{print "| benchmark | time per iteration | items/s |"; print "|---|---|---|"; next}
           {gsub(/"/,""); printf "| %s | %.0f %s | %s |\n", $1, $3, $5, ($7 == "" ? "" : sprintf("%.2f M", $7/1e6))}'
echo
echo "## Insert → SSE latency"
echo
./build/bench/latency_bench 300 50 500ms
./build/bench/system_bench $quick

#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs each for a
# bounded time, starting from the seed corpus in fuzz/corpus/<target>/ (read-only: new inputs
# go to a scratch directory). A crash, leak, timeout or failed invariant fails the script and
# leaves the input under build-fuzz/findings/<target>/.
#   scripts/fuzz.sh [seconds per target, default 30]
# The run is seeded (PE_FUZZ_SEED, default 1) so that the test command explores the same
# inputs each time; set another seed, or a longer time, to explore further.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
targets=(row_validation config query_params sse_encoding alertmanager_answer)

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPIPELINE_EXPORTER_FUZZ=ON -DPIPELINE_EXPORTER_TESTS=OFF -DPIPELINE_EXPORTER_BENCHMARKS=OFF \
  -DCMAKE_CXX_FLAGS=-Werror >/dev/null
cmake --build build-fuzz -j2 --target fuzz_targets

# Two targets at a time (one per core); each writes its log, its figures and its status.
run_target() {
  local t=$1 scratch="build-fuzz/corpus/$1" findings="build-fuzz/findings/$1"
  rm -rf "$findings"
  mkdir -p "$scratch" "$findings"
  if "./build-fuzz/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -seed="${PE_FUZZ_SEED:-1}" -print_final_stats=1 -artifact_prefix="$findings/" \
      "$scratch" "fuzz/corpus/$t" > "build-fuzz/$t.log" 2>&1; then
    echo ok > "build-fuzz/$t.status"
  else
    echo failed > "build-fuzz/$t.status"
  fi
}
running=0
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds}s"
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge 2 ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
failed=()
for t in "${targets[@]}"; do
  if [ "$(cat "build-fuzz/$t.status" 2>/dev/null)" != ok ]; then
    failed+=("$t")
    tail -n 40 "build-fuzz/$t.log"
  fi
  echo "fuzz: $t: $(grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "build-fuzz/$t.log" | tr '\n' ' ')"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in build-fuzz/findings/)" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a finding"

#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds everything with warnings as errors, runs a
# short smoke run of every benchmark (figures printed, not asserted), then every test: unit,
# component, end-to-end (real binary; SQLite, MariaDB, PostgreSQL; promtool; Prometheus) and
# the browser tests (Chromium); all of them also under ASan and UBSan, and a short run of
# every libFuzzer target; the Debian package is made from the build, installed, run and
# purged (scripts/package-test.sh, root). ctest's summary is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase's wall time, printed before the last phase (ctest, whose summary stays last).
begin=$(date +%s)
phase_start=$begin
phases=()
phase() {
  local now; now=$(date +%s)
  phases+=("$1: $(( now - phase_start )) s")
  echo "test.sh: $1 took $(( now - phase_start )) s"
  phase_start=$now
}
./scripts/install-deps.sh test
phase "install"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-Werror >/dev/null
cmake --build build -j2
phase "build"
# The browser tests' one npm package (playwright-core; the browser is Debian's chromium), and
# the Grafana checks' (@grafana/schema, typescript, @prometheus-io/lezer-promql, yaml) and the
# Kubernetes checks' (kubernetes-models, @kubernetes-models/prometheus-operator, yaml).
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
npm ci --prefix tests/grafana --no-audit --no-fund --loglevel=error
npm ci --prefix tests/kubernetes --no-audit --no-fund --loglevel=error
phase "npm ci"
./scripts/bench.sh --quick || echo "warning: the benchmark smoke run failed (figures above are incomplete)"
phase "benchmark smoke run"
# AddressSanitizer + UndefinedBehaviorSanitizer (+ leaks): the whole unit and end-to-end
# suite, and the browser tests, against the sanitized binary.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPIPELINE_EXPORTER_SANITIZE=ON \
  -DPIPELINE_EXPORTER_BENCHMARKS=OFF -DCMAKE_CXX_FLAGS=-Werror >/dev/null
cmake --build build-asan -j2 --target pipeline_exporter unit_tests e2e_tests
phase "ASan build"
# Every unit and end-to-end test in a process of its own, two at a time (most of an end-to-end
# test's time is waiting on its servers).
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan -j2 --output-on-failure \
  -E '^(promtool_|mixin_|kubernetes_tests|docker_compose_config|grafana_schema_tests|package_tests|python_client_tests|browser_tests)'
(cd tests/browser && ASAN_OPTIONS=detect_leaks=1 PE_EXPORTER_BINARY="$PWD/../../build-asan/pipeline_exporter" \
  PE_TEST_ARTIFACTS="$PWD/../../build-asan/test-artifacts" node --test --test-concurrency=1)
phase "ASan tests"
# libFuzzer targets (clang, ASan + UBSan), each for a bounded time from the seed corpus.
./scripts/fuzz.sh "${PE_FUZZ_SECONDS:-20}"
phase "fuzz"
# The figure of everything before ctest; ctest's own "Total Test time" follows, and its
# summary stays the last thing printed (CI reads it).
echo "test.sh: $(( $(date +%s) - begin )) s before ctest (${phases[*]}); ctest's time follows"
ctest --test-dir build --output-on-failure -j2

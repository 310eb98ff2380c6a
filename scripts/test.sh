#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds with warnings as errors, and runs every test:
#   - the exporter, unit and end-to-end tests built with AddressSanitizer + UBSan (+ leaks),
#     and all of ctest against that build: unit, component, end-to-end (the real binary on
#     SQLite, MariaDB, PostgreSQL; promtool; Prometheus; Alertmanager; nginx), the browser
#     tests (Chromium), the Python client, Grafana, Kubernetes and mixin checks;
#   - an optimised build of the exporter and the benchmarks: a short smoke run of every
#     benchmark (figures printed, not asserted) and the Debian package made from it,
#     installed, run and purged (scripts/package-test.sh, root);
#   - a short run of every libFuzzer target.
# Each check runs once, under the sanitizers where it runs C++ of ours; the package is made of
# the optimised build. The time of each phase
# and of the whole is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
begin=$(date +%s)
phase_start=$begin
phases=()
phase() {
  local now; now=$(date +%s)
  phases+=("$1 $(( now - phase_start )) s")
  echo "test.sh: $1 took $(( now - phase_start )) s"
  phase_start=$now
}
./scripts/install-deps.sh test
phase "install"
# The sanitized build: line tables only (-g1) are enough for ASan's stack traces and much
# cheaper to compile than full debug information.
# Its ctest packs the optimised build's binary (package_tests).
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPIPELINE_EXPORTER_SANITIZE=ON \
  -DPIPELINE_EXPORTER_BENCHMARKS=OFF -DCMAKE_CXX_FLAGS=-Werror -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  "-DPIPELINE_EXPORTER_PACKAGE_TREE=$PWD/build" >/dev/null
cmake --build build-asan -j2 --target pipeline_exporter unit_tests e2e_tests
phase "ASan build"
# The browser tests' one npm package (playwright-core; the browser is Debian's chromium), the
# Grafana checks' (@grafana/schema, typescript, @prometheus-io/lezer-promql, yaml) and the
# Kubernetes checks' (kubernetes-models, @kubernetes-models/prometheus-operator, yaml).
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
npm ci --prefix tests/grafana --no-audit --no-fund --loglevel=error
npm ci --prefix tests/kubernetes --no-audit --no-fund --loglevel=error
phase "npm ci"
# The optimised build: what ships and what the benchmarks measure; the exporter and the
# benchmarks only (the tests run against the sanitized build). Without -g: the package is
# stripped anyway.
# (The options are set explicitly: run-demo.sh configures the same tree without them.
# CMAKE_SKIP_INSTALL_ALL_DEPENDENCY: cpack's install step would otherwise build `all`, the
# tests included, in the middle of the package test.)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-Werror \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG" -DPIPELINE_EXPORTER_TESTS=ON \
  -DPIPELINE_EXPORTER_BENCHMARKS=ON -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/dev/null
cmake --build build -j2 --target pipeline_exporter packaging_files core_bench memory_bench \
  latency_bench system_bench
phase "build"
./scripts/bench.sh --quick || echo "warning: the benchmark smoke run failed (figures above are incomplete)"
phase "benchmark smoke run"
# libFuzzer targets (clang, ASan + UBSan), each for a bounded time from the seed corpus.
./scripts/fuzz.sh "${PE_FUZZ_SECONDS:-20}"
phase "fuzz"
# Every test, against the sanitized build (and the package of the optimised one): independent
# tests two at a time, the long ones (package, browser, Python) started first.
status=0
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan -j2 --output-on-failure || status=$?
phase "tests"
echo "test.sh: $(( $(date +%s) - begin )) s in all (${phases[*]})"
exit $status

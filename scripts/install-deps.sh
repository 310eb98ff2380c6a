#!/usr/bin/env bash
# Installs, from Debian 12's packages, everything pipeline_exporter needs to build
# (`build`) or to build and run every test (`test`). Safe to run again: apt-get skips
# what is already there. Run as root, or with sudo available.
set -euo pipefail

mode="${1:-build}"

build_pkgs=(
  build-essential cmake pkg-config zlib1g-dev libdeflate-dev libcrypt-dev libssl-dev
  prometheus-cpp-dev libcivetweb-dev
  libsoci-dev libboost-dev libsqlite3-dev libmariadb-dev libpq-dev
  libyaml-cpp-dev libspdlog-dev nlohmann-json3-dev help2man
)
test_pkgs=(
  libgtest-dev libgmock-dev libbenchmark-dev
  prometheus sqlite3 curl ca-certificates
  mariadb-server mariadb-client postgresql postgresql-client docker-compose chromium prometheus-sql-exporter
  clang libclang-rt-14-dev nginx apache2-utils openssl prometheus-alertmanager
  lintian systemd
  python3 python3-pytest python3-psycopg2 python3-pymysql python3-setuptools python3-pip
  jsonnet python3-yaml
)
# Node.js for the browser tests: the machine's own if it has one, else Debian's.
if [ "$mode" = test ] && ! command -v npm >/dev/null 2>&1; then
  test_pkgs+=(nodejs npm)
fi

# kubectl (kustomize renders deploy/kubernetes offline): the machine's own if it has one,
# else Debian's kubernetes-client.
if [ "$mode" = test ] && ! command -v kubectl >/dev/null 2>&1; then
  test_pkgs+=(kubernetes-client)
fi

case "$mode" in
  build) pkgs=("${build_pkgs[@]}") ;;
  test) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}"

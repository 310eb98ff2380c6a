#!/usr/bin/env bash
# The Debian package, checked as an operator uses it: made by CPack from an existing build
# tree (no second build), its files listed, lintian without errors, installed with dpkg, the
# installed binary's --version, `systemd-analyze verify` of the installed unit, the installed
# exporter started by hand with the installed configuration serving /metrics, then removed
# (configuration and state kept) and purged (nothing left). Run by ctest (package_tests) as
# part of the test command; needs root for dpkg (or sudo without a password, as
# install-deps.sh uses it), and says so rather than skipping.
#   scripts/package-test.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: package-test.sh BUILD_DIR}" && pwd)
work=$(mktemp -d)
exporter_pid=
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }
# Each step's time, in the test's output (ctest keeps it in Testing/Temporary/LastTest.log).
step_start=$(date +%s)
step() { local now; now=$(date +%s); echo "package-test: $1 ($(( now - step_start )) s)"; step_start=$now; }
root=()
if [ "$(id -u)" != 0 ]; then
  sudo -n true 2>/dev/null || fail "dpkg -i needs root: run the test command as root, or with sudo that asks no password"
  root=(sudo -n)
fi
cleanup() {
  [ -n "$exporter_pid" ] && "${root[@]}" kill "$exporter_pid" 2>/dev/null
  "${root[@]}" dpkg -P pipeline-exporter >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
for tool in dpkg-deb lintian systemd-analyze curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh test installs it)"
done
if dpkg -s pipeline-exporter >/dev/null 2>&1; then
  echo "package-test: purging the pipeline-exporter installed before (a test's own leftover)"
  "${root[@]}" dpkg -P pipeline-exporter >/dev/null
fi

# cpack itself, not the `package` target: that one builds `all` first (the tests too).
[ -x "$build/pipeline_exporter" ] || fail "$build/pipeline_exporter is not built"
(cd "$build" && cpack -G DEB --config CPackConfig.cmake) >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
step "cpack"
deb=$(ls "$build"/pipeline-exporter_*_*.deb)
echo "package-test: $(basename "$deb"), $(stat -c %s "$deb") bytes"

# Every file the package must carry.
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/files"
for f in /usr/bin/pipeline_exporter /lib/systemd/system/pipeline_exporter.service \
         /lib/systemd/system/pipeline_exporter-prune.service \
         /lib/systemd/system/pipeline_exporter-prune.timer \
         /usr/share/pipeline_exporter/migrations/sqlite/004_audit_and_error_index.sql \
         /etc/pipeline_exporter/exporter.yml /etc/pipeline_exporter/env \
         /usr/share/man/man1/pipeline_exporter.1.gz \
         /usr/share/doc/pipeline-exporter/copyright /usr/share/doc/pipeline-exporter/changelog.gz \
         /usr/share/pipeline_exporter/migrations/sqlite/001_create_batch_execution_log.sql \
         /usr/share/pipeline_exporter/migrations/mysql/001_create_batch_execution_log.sql \
         /usr/share/pipeline_exporter/migrations/postgresql/001_create_batch_execution_log.sql \
         /usr/share/pipeline_exporter/grafana/dashboards/pipeline-overview.json \
         /usr/share/pipeline_exporter/grafana/dashboards/pipeline-stage-detail.json \
         /usr/share/pipeline_exporter/grafana/provisioning/datasources/prometheus.yml \
         /usr/share/pipeline_exporter/grafana/provisioning/dashboards/pipeline_exporter.yml \
         /usr/share/pipeline_exporter/prometheus/prometheus.yml \
         /usr/share/pipeline_exporter/prometheus/rules/pipeline_alerts.yml \
         /usr/share/pipeline_exporter/prometheus/rules/pipeline_recording.yml \
         /usr/share/pipeline_exporter/nginx/pipeline_exporter.conf; do
  grep -qx "$f" "$work/files" || fail "the package lacks $f"
done
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)" = "$(printf '%s\n' \
  /etc/pipeline_exporter/exporter.yml /etc/pipeline_exporter/env)" ] || fail "conffiles"
depends=$(dpkg-deb -f "$deb" Depends)
case "$depends" in *libsoci-sqlite3-4.0*) ;; *) fail "Depends lacks SOCI's SQLite backend: $depends" ;; esac
case "$depends" in *libcivetweb1*) ;; *) fail "Depends lacks dpkg-shlibdeps' libraries: $depends" ;; esac
version=$(dpkg-deb -f "$deb" Version)

# lintian: errors fail; warnings are printed (README lists the ones accepted).
lintian --tag-display-limit 0 "$deb" >"$work/lintian" 2>&1 || true
grep -v 'running with root privileges' "$work/lintian" || true
if grep -q '^E: ' "$work/lintian"; then fail "lintian reported errors"; fi
step "lintian"

"${root[@]}" dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
step "dpkg -i"
installed=$(/usr/bin/pipeline_exporter --version)
case "$installed" in *"version $version "*) ;; *) fail "--version says '$installed', the package $version" ;; esac
systemd-analyze verify /lib/systemd/system/pipeline_exporter.service \
  /lib/systemd/system/pipeline_exporter-prune.service /lib/systemd/system/pipeline_exporter-prune.timer ||
  fail "systemd-analyze verify"
[ -d /var/lib/pipeline_exporter ] || fail "postinst did not create /var/lib/pipeline_exporter"
[ "$("${root[@]}" stat -c %a /etc/pipeline_exporter/env)" = 600 ] || fail "/etc/pipeline_exporter/env is not 0600"

# Started by hand with the installed configuration, on a free port.
# (As root, like the unit's dynamic user it may write the state directory; exec keeps the pid.)
"${root[@]}" sh -c 'exec /usr/bin/pipeline_exporter --config.file=/etc/pipeline_exporter/exporter.yml \
  --web.listen-address=127.0.0.1:0' >"$work/exporter.log" 2>&1 &
exporter_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(grep -o 'msg="listening".* port=[0-9]*' "$work/exporter.log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
  [ -d "/proc/$exporter_pid" ] || { cat "$work/exporter.log"; fail "the installed exporter exited"; }
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/metrics" >"$work/metrics" || { cat "$work/exporter.log"; fail "/metrics"; }
grep -q '^pipeline_exporter_db_up{pipeline="default"} 1$' "$work/metrics" ||
  { cat "$work/exporter.log"; fail "the default configuration's SQLite database is not up"; }
"${root[@]}" test -f /var/lib/pipeline_exporter/pipeline_events.db || fail "no database in /var/lib/pipeline_exporter"
"${root[@]}" kill "$exporter_pid"
wait "$exporter_pid" || fail "the exporter did not stop cleanly on SIGTERM"
exporter_pid=
step "the installed exporter served /metrics"
# The prune the timer runs, with the unit's default arguments, on the installed configuration.
"${root[@]}" sh -c 'cd /var/lib/pipeline_exporter && /usr/bin/pipeline_exporter prune \
  --config.file=/etc/pipeline_exporter/exporter.yml --older-than=30d --keep-batches=10' \
  >"$work/prune.log" 2>&1 || { cat "$work/prune.log"; fail "pipeline_exporter prune"; }
grep -q '^prune: deleted 0 batches, 0 rows from 1 pipeline(s)' "$work/prune.log" ||
  { cat "$work/prune.log"; fail "the prune's summary"; }

# Upgrade keeps an edited configuration (a conffile).
echo "# edited by the operator" | "${root[@]}" tee -a /etc/pipeline_exporter/exporter.yml >/dev/null
"${root[@]}" dpkg -i "$deb" >"$work/dpkg2.log" 2>&1 || { cat "$work/dpkg2.log"; fail "dpkg -i over itself"; }
grep -q "edited by the operator" /etc/pipeline_exporter/exporter.yml || fail "reinstall lost the edit"

step "prune and the upgrade"
"${root[@]}" dpkg -r pipeline-exporter >/dev/null || fail "dpkg -r"
[ ! -e /usr/bin/pipeline_exporter ] || fail "dpkg -r left the binary"
[ -f /etc/pipeline_exporter/exporter.yml ] || fail "dpkg -r removed the configuration"
"${root[@]}" dpkg -P pipeline-exporter >/dev/null || fail "dpkg -P"
for left in /etc/pipeline_exporter /var/lib/pipeline_exporter /lib/systemd/system/pipeline_exporter.service \
            /lib/systemd/system/pipeline_exporter-prune.timer \
            /usr/share/pipeline_exporter; do
  [ ! -e "$left" ] || fail "dpkg -P left $left"
done
echo "package-test: built, listed, lintian-clean, installed, served /metrics, upgraded, removed and purged"

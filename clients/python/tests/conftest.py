"""What the tests share: the real pipeline_exporter binary, and real MariaDB and PostgreSQL
servers (Debian's), one of each for the whole session, on 127.0.0.1 and free ports, in
temporary directories. Every server and exporter started here dies with the test process
(util-linux's setpriv sets the parent-death signal), and is stopped at the end. A server that
cannot start fails the tests that need it, saying why; nothing is skipped.
"""

import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# The package under test from this checkout, wherever pytest is started (ctest starts it in the
# build directory).
sys.path.insert(0, os.path.join(REPO, "clients", "python"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def run(cmd, **kwargs):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}")
    return r.stdout


def child(cmd, log_path, user=None):
    """A process that dies with this one: setpriv --pdeathsig KILL (and the user, if any)."""
    prefix = ["setpriv", "--pdeathsig", "KILL"]
    if user:
        prefix += [f"--reuid={user}", f"--regid={user}", "--init-groups"]
    log = open(log_path, "ab")
    try:
        return subprocess.Popen(prefix + ["--"] + cmd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    finally:
        log.close()


class MariaDb:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pe-py-mariadb-")
        self.port = free_port()
        self.proc = None
        run(["mariadb-install-db", "--no-defaults", "--user=root", f"--datadir={self.dir}/data",
             "--auth-root-authentication-method=normal", "--skip-test-db"])
        self.start()
        self.sql("CREATE DATABASE pe; CREATE USER 'pe'@'%' IDENTIFIED BY 'pe'; "
                 "GRANT ALL ON pe.* TO 'pe'@'%';")

    def start(self):
        self.proc = child(["mariadbd", "--no-defaults", "--user=root", f"--datadir={self.dir}/data",
                           f"--socket={self.dir}/mysql.sock", f"--pid-file={self.dir}/mariadb.pid",
                           "--bind-address=127.0.0.1", f"--port={self.port}",
                           "--skip-name-resolve", "--default-time-zone=+00:00"],
                          f"{self.dir}/mariadb.log")

        def up():
            if self.proc.poll() is not None:
                raise AssertionError("mariadbd exited:\n" + open(f"{self.dir}/mariadb.log").read())
            return subprocess.run(["mariadb-admin", "--no-defaults", "-uroot",
                                   f"--socket={self.dir}/mysql.sock", "ping"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        wait_until(up, 60, "mariadbd")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(60)

    def sql(self, text, database=""):
        return run(["mariadb", "--no-defaults", "-uroot", f"--socket={self.dir}/mysql.sock",
                    "-N", "-B", "-e", text] + ([database] if database else []))

    def url(self):
        return f"mysql://pe:pe@127.0.0.1:{self.port}/pe"

    def soci(self):
        return f"mysql://host=127.0.0.1 port={self.port} db=pe user=pe password=pe"

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def pg_bin(tool):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    if not found:
        raise AssertionError(f"PostgreSQL's {tool} is missing: install the Debian package postgresql")
    return found[-1]


class Postgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pe-py-pg-")
        self.port = free_port()
        self.proc = None
        shutil.chown(self.dir, "postgres")
        os.chmod(self.dir, 0o755)
        run(["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--",
             pg_bin("initdb"), "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust",
             "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])
        self.start()
        self.sql("CREATE DATABASE pe")
        self.sql("CREATE ROLE pe LOGIN PASSWORD 'pe' SUPERUSER")

    def start(self):
        log = f"{self.dir}/postgres.log"
        open(log, "a").close()
        shutil.chown(log, "postgres")
        self.proc = child([pg_bin("postgres"), "-D", f"{self.dir}/data", "-h", "127.0.0.1",
                           "-p", str(self.port), "-k", self.dir], log, user="postgres")

        def up():
            if self.proc.poll() is not None:
                raise AssertionError("postgres exited:\n" + open(log).read())
            return subprocess.run([pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                                  stdout=subprocess.DEVNULL).returncode == 0
        wait_until(up, 60, "postgres")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT: fast shutdown
            self.proc.wait(60)

    def sql(self, text, database="postgres"):
        return run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d",
                    database, "-v", "ON_ERROR_STOP=1", "-At", "-c", text])

    def url(self):
        return f"postgresql://pe:pe@127.0.0.1:{self.port}/pe"

    def soci(self):
        return f"postgresql://host=127.0.0.1 port={self.port} dbname=pe user=pe password=pe"

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def mariadb():
    server = MariaDb()
    yield server
    server.close()


@pytest.fixture(scope="session")
def postgres():
    server = Postgres()
    yield server
    server.close()


def exporter_binary():
    binary = os.environ.get("PE_EXPORTER_BINARY") or os.path.join(REPO, "build", "pipeline_exporter")
    if not os.access(binary, os.X_OK):
        raise AssertionError(f"no pipeline_exporter at {binary}: build it (scripts/test.sh does) "
                             "or set PE_EXPORTER_BINARY")
    return binary


def migration(dialect, number):
    name = {1: "001_create_batch_execution_log.sql", 2: "002_batch_control.sql"}[number]
    return open(os.path.join(REPO, "migrations", dialect, name)).read()


class Exporter:
    """The real binary on a free port, with `config` (YAML text) in its own directory."""

    def __init__(self, config, workdir):
        self.dir = workdir
        path = os.path.join(workdir, "exporter.yml")
        with open(path, "w") as f:
            f.write(config)
        self.log_path = os.path.join(workdir, "exporter.log")
        self.proc = child([exporter_binary(), f"--config.file={path}",
                           "--web.listen-address=127.0.0.1:0"], self.log_path)

        def listening():
            if self.proc.poll() is not None:
                raise AssertionError("pipeline_exporter exited:\n" + self.log())
            m = re.search(r'msg="listening" .*port=(\d+)', self.log())
            return int(m.group(1)) if m else None
        self.port = wait_until(listening, 30, "the exporter to listen")

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
            return r.read().decode()

    def json(self, path):
        return json.loads(self.get(path))

    def metrics(self):
        out = {}
        for line in self.get("/metrics").splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                out[name] = float(value)
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)


@pytest.fixture
def start_exporter(tmp_path):
    started = []

    def start(config):
        e = Exporter(config, str(tmp_path))
        started.append(e)
        return e
    yield start
    for e in started:
        e.stop()

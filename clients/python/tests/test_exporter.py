"""A Python pipeline against the real pipeline_exporter binary: 3 stages × 500 files with
failures, written through each transport (a SQLite file, MariaDB, PostgreSQL, the HTTP ingest
endpoint); then /api/current-batch and /metrics show exactly the figures the script knows.
And a database stopped mid-batch and started again: every row arrives once."""

import os
import sqlite3

import pytest

from conftest import migration, wait_until
from pipeline_events import EventLogger

STAGES = [("denoise", 7), ("stt", 50), ("llm", 3)]  # every k-th file fails
FILES = 500


def run_pipeline(log, batch_id, stop_after=None, between=None):
    """The pipeline: returns {stage: (processed, failed)} as it knows them. `between(stage)` runs
    after `stop_after` stage's first half (the outage tests)."""
    known = {}
    with log.batch(batch_id, total_files=FILES,
                   metadata={"batchDate": "2026-12-06", "batchNumber": batch_id}) as b:
        for stage, k in STAGES:
            processed = failed = 0
            with b.stage(stage, total_files=FILES) as s:
                for i in range(FILES):
                    name = f"call_{batch_id:04d}_{i:04d}.wav"
                    gpu = f"10.0.3.{11 + i % 4}"
                    if i % k == k - 1:
                        s.file_error(name, RuntimeError("CUDA out of memory"), gpu_ip=gpu)
                        failed += 1
                    else:
                        s.file_complete(name, gpu_ip=gpu, duration=0.01 * (i % 10),
                                        response={"text": f"transcript {i}"})
                        processed += 1
                    if i % 100 == 99:
                        s.progress(processed, failed, FILES)
                    if between and stage == stop_after and i == FILES // 2:
                        between()
            known[stage] = (processed, failed)
    return known


def check_exporter(exporter, batch_id, known):
    def complete():
        j = exporter.json("/api/current-batch")
        b = j.get("batch")
        return j if b and b["id"] == batch_id and b["status"] == "complete" else None
    j = wait_until(complete, 60, f"batch {batch_id} complete on the exporter")
    stages = {s["id"]: s for s in j["stages"]}
    metrics = exporter.metrics()
    for stage, (processed, failed) in known.items():
        s = stages[stage]
        assert (s["status"], s["total"], s["processed"], s["failed"]) == \
            ("complete", FILES, processed, failed), stage
        label = f'{{pipeline="py",pipeline_stage="{stage}"}}'
        assert metrics["pipeline_stage_files_processed" + label] == processed
        assert metrics["pipeline_stage_files_failed" + label] == failed
        assert metrics["pipeline_files_completed_total" + label] == processed
        assert metrics["pipeline_files_failed_total" + label] == failed
        assert metrics["pipeline_file_duration_seconds_count" + label] == processed
    # Nothing the library wrote was rejected, and the writers' clock is not skewed (UTC).
    assert not any(k.startswith("pipeline_exporter_invalid_events_total") and v > 0
                   for k, v in metrics.items()), [k for k, v in metrics.items() if "invalid" in k and v]
    assert "in the future of the database" not in exporter.log()


def config(database, extra=""):
    return (f'pipelines:\n  - name: py\n    database: "{database}"\n    poll_interval: 50ms\n'
            f"{extra}")


def table_sql(dialect, name):
    return "\n".join(migration(dialect, n) for n in (1, 2)).replace("batchExecutionLog", name) \
        .replace("batchControl", f"{name}_ctl")


def expected_rows():
    # batch_start, 3 × (stage_start, 500 files, 5 progress, stage_complete), batch_complete
    return 2 + len(STAGES) * (1 + FILES + 5 + 1)


def test_sqlite(tmp_path, start_exporter):
    db = str(tmp_path / "events.db")
    exporter = start_exporter(config(f"sqlite3://db={db}"))  # the exporter creates the table
    log = EventLogger(f"sqlite:///{db}")
    known = run_pipeline(log, 11)
    assert log.close(30), log.stats()
    assert log.stats().written == expected_rows()
    check_exporter(exporter, 11, known)
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        ts = c.execute("SELECT timestamp FROM batchExecutionLog ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert len(ts) == 23 and ts[10] == " "  # YYYY-MM-DD HH:MM:SS.SSS, as the default writes


def test_mariadb(mariadb, start_exporter):
    mariadb.sql(table_sql("mysql", "log_my"), database="pe")
    exporter = start_exporter(config(mariadb.soci(), "    table: log_my\n    control_table: log_my_ctl\n"))
    log = EventLogger(mariadb.url(), table="log_my")
    known = run_pipeline(log, 12)
    assert log.close(30), log.stats()
    check_exporter(exporter, 12, known)


def test_postgres(postgres, start_exporter):
    postgres.sql(table_sql("postgresql", "log_pg"), database="pe")
    exporter = start_exporter(config(postgres.soci(), "    table: log_pg\n    control_table: log_pg_ctl\n"))
    log = EventLogger(postgres.url(), table="log_pg")
    known = run_pipeline(log, 13)
    assert log.close(30), log.stats()
    check_exporter(exporter, 13, known)


def test_http_ingest(tmp_path, start_exporter):
    db = str(tmp_path / "events.db")
    exporter = start_exporter(config(f"sqlite3://db={db}", "") +
                              "ingest:\n  enabled: true\n  token: s3cret-token\n")
    log = EventLogger(f"http://127.0.0.1:{exporter.port}", token="s3cret-token", pipeline="py")
    known = run_pipeline(log, 14)
    assert log.close(30), log.stats()
    assert log.stats().written == expected_rows()
    check_exporter(exporter, 14, known)
    # A wrong token is not a lost row: it is retried until close gives up, and counted.
    bad = EventLogger(f"http://127.0.0.1:{exporter.port}", token="wrong", pipeline="py",
                      min_backoff=0.01, max_backoff=0.05)
    bad.info(14, "never arrives")
    assert bad.close(0.5) is False
    assert bad.stats().dropped == 1 and "401" in bad.stats().last_error


@pytest.mark.parametrize("server", ["mariadb", "postgres"])
def test_a_database_stopped_mid_batch_loses_and_doubles_nothing(server, request, start_exporter):
    db = request.getfixturevalue(server)
    name = f"log_outage_{server}"
    dialect = "mysql" if server == "mariadb" else "postgresql"
    db.sql(table_sql(dialect, name), database="pe")
    log = EventLogger(db.url(), table=name, min_backoff=0.05, max_backoff=0.5)
    outage = {}

    def stop_then_start():
        assert log.flush(30)
        db.stop()
        # The pipeline goes on while the database is down: its calls do not wait.
        for i in range(50):
            log.info(15, f"during the outage {i}")
        wait_until(lambda: log.stats().retries > 0, 30, "a failed write")
        outage["retries"] = log.stats().retries
        db.start()

    known = run_pipeline(log, 15, stop_after="stt", between=stop_then_start)
    assert log.close(60), log.stats()
    s = log.stats()
    assert s.retries >= outage["retries"] > 0
    assert (s.dropped, s.dropped_progress, s.rejected) == (0, 0, 0)
    assert s.written == expected_rows() + 50
    rows = db.sql(f"SELECT COUNT(*), COUNT(DISTINCT stage, eventType, fileName) FROM {name} "
                  "WHERE fileName IS NOT NULL" if server == "mariadb" else
                  f"SELECT COUNT(*), COUNT(DISTINCT (stage, eventType, fileName)) FROM {name} "
                  "WHERE fileName IS NOT NULL", database="pe").replace("|", " ").split()
    # Every file row once: 3 stages × 500 files, file_complete or error, no doubles.
    assert [int(x) for x in rows] == [len(STAGES) * FILES, len(STAGES) * FILES]
    total = int(db.sql(f"SELECT COUNT(*) FROM {name}", database="pe").split()[0])
    assert total == expected_rows() + 50
    exporter = start_exporter(config(db.soci(), f"    table: {name}\n    control_table: {name}_ctl\n"))
    check_exporter(exporter, 15, known)


def test_the_package_installs_offline(tmp_path):
    """pip install ./clients/python with Debian's setuptools, no index."""
    import shutil
    import subprocess
    import sys
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # A copy: setuptools builds in the source directory, which the test leaves as it was.
    source = tmp_path / "src"
    shutil.copytree(here, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "tests",
                                                               "__pycache__"))
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--no-build-isolation",
                        "--no-deps", "--target", str(tmp_path / "site"), str(source)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    assert (tmp_path / "site" / "pipeline_events" / "logger.py").exists()
    r = subprocess.run([sys.executable, "-c", "import pipeline_events; print(pipeline_events.__version__)"],
                       env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
                       cwd=str(tmp_path), stdout=subprocess.PIPE, text=True)
    assert r.stdout.strip() == "0.1.0"

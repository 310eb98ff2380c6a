"""Bad input is a ValueError at the call site, before anything is queued: never a row that the
exporter counts as invalid."""

import datetime
import json

import pytest

from pipeline_events import EventLogger, events
from pipeline_events.transports import transport_from_url


class NullTransport:
    def __init__(self):
        self.rows = []

    def write(self, rows):
        self.rows.extend(rows)

    def close(self):
        pass


@pytest.fixture
def log():
    t = NullTransport()
    logger = EventLogger(transport=t)
    logger.rows = t.rows
    yield logger
    logger.close()


@pytest.mark.parametrize("call, message", [
    (lambda l: l.stage_start(0, "stt"), "batch_id must be positive"),
    (lambda l: l.stage_start(-3, "stt"), "batch_id must be positive"),
    (lambda l: l.stage_start("42", "stt"), "batch_id must be an int"),
    (lambda l: l.stage_start(True, "stt"), "batch_id must be an int"),
    (lambda l: l.stage_start(2**63, "stt"), "batch_id must be positive"),
    (lambda l: l.stage_start(1, ""), "stage must not be empty"),
    (lambda l: l.stage_start(1, "s" * 65), "stage is 65 bytes"),
    (lambda l: l.stage_start(1, "é" * 33), "stage is 66 bytes"),
    (lambda l: l.stage_start(1, "stt\n"), "control characters"),
    (lambda l: l.stage_start(1, None), "needs a stage"),
    (lambda l: l.stage_start(1, 7), "stage must be a str"),
    (lambda l: l.stage_start(1, "stt", total_files=-1), "total_files must be between"),
    (lambda l: l.stage_start(1, "stt", total_files=1.5), "total_files must be an int"),
    (lambda l: l.stage_progress(1, "stt", 10**9 + 1), "processed_files must be between"),
    (lambda l: l.file_complete(1, "stt", ""), "file_name must not be empty"),
    (lambda l: l.file_complete(1, "stt", "f" * 1025), "file_name is 1025 characters"),
    # A name read as bytes and decoded with surrogateescape: not UTF-8.
    (lambda l: l.file_complete(1, "stt", b"caf\xe9.wav".decode("utf-8", "surrogateescape")),
     "file_name is not valid UTF-8"),
    (lambda l: l.file_complete(1, "stt", "a.wav", response={"x": {1, 2}}),
     "response is not JSON-serialisable"),
    (lambda l: l.file_complete(1, "stt", "a.wav", response=float("nan")),
     "response is not JSON-serialisable"),
    (lambda l: l.file_complete(1, "stt", "a.wav", payload=b"\xff\xfe"),
     "request_payload bytes are not UTF-8"),
    (lambda l: l.file_complete(1, "stt", "a.wav", duration=-1), "duration must be between"),
    (lambda l: l.file_complete(1, "stt", "a.wav", duration=31 * 86400), "duration must be between"),
    (lambda l: l.file_complete(1, "stt", "a.wav", duration="1s"), "duration must be seconds"),
    (lambda l: l.file_complete(1, "stt", "a.wav", duration=1, duration_ms=1000), "not both"),
    (lambda l: l.file_complete(1, "stt", "a.wav", gpu_ip="x" * 65), "gpu_ip is 65 bytes"),
    (lambda l: l.substage_start(1, "stt", ""), "sub_stage must not be empty"),
    (lambda l: l.substage_start(1, "stt", None), "needs a sub_stage"),
])
def test_bad_input_is_a_value_error_and_queues_nothing(log, call, message):
    with pytest.raises(ValueError, match=message):
        call(log)
    assert log.flush(5)
    assert log.rows == []
    assert log.stats().queued == 0


def test_every_event_type_has_its_method_and_the_tables_field_names(log):
    log.batch_start(7, total_files=3, metadata={"batchDate": "2024-01-13", "batchNumber": 3})
    log.stage_start(7, "stt", total_files=3)
    log.substage_start(7, "stt", "decode")
    log.file_start(7, "stt", "a.wav", gpu_ip="10.0.3.11")
    log.file_complete(7, "stt", "a.wav", "10.0.3.11", {"text": "hi"}, duration=1.25,
                      payload="audio")
    log.file_error(7, "stt", "b.wav", RuntimeError("CUDA out of memory"), "10.0.3.12")
    log.error(7, "disk almost full", stage="stt")
    log.warning(7, "slow worker", stage="stt")
    log.info(7, "batch accepted")
    log.substage_complete(7, "stt", "decode")
    log.stage_progress(7, "stt", 2, failed_files=1, total_files=3)
    log.stage_complete(7, "stt")
    log.stage_start(7, "llm")
    log.stage_failed(7, "llm", error="model unavailable")
    log.batch_paused(7)
    log.batch_resumed(7)
    log.batch_canceled(7, reason="wrong input")
    log.batch_failed(7, error="gave up")
    log.batch_complete(7)
    assert log.flush(5)
    types = [r["eventType"] for r in log.rows]
    assert set(types) == events.EVENT_TYPES
    start = log.rows[0]
    assert json.loads(start["requestPayload"]) == {"batchDate": "2024-01-13", "batchNumber": 3}
    done = next(r for r in log.rows if r["eventType"] == "file_complete")
    assert done["durationMs"] == 1250 and done["gpuIp"] == "10.0.3.11"
    assert json.loads(done["response"]) == {"text": "hi"} and done["requestPayload"] == "audio"
    failed = next(r for r in log.rows if r["eventType"] == "error" and r.get("fileName"))
    assert failed["errorMessage"] == "RuntimeError: CUDA out of memory"
    # stage_complete without figures: this logger's file_complete / file_error since stage_start.
    complete = next(r for r in log.rows if r["eventType"] == "stage_complete")
    assert (complete["processedFiles"], complete["failedFiles"]) == (1, 1)
    assert next(r for r in log.rows if r["eventType"] == "substage_start")["subStage"] == "decode"


def test_timestamps_are_utc_whatever_the_zone(log, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    import time
    time.tzset()
    try:
        log.info(1, "x")
        assert log.flush(5)
        when = log.rows[0]["timestamp"]
        assert when.utcoffset() == datetime.timedelta(0)
        assert abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) < 5
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_payloads_over_the_cap_are_cut_on_a_character_and_counted(log):
    big = "é" * (events.PAYLOAD_CAP_BYTES // 2 + 10)  # two bytes each: over the cap
    log.file_complete(1, "stt", "a.wav", response=big)
    log.error(1, "x" * (events.ERROR_MESSAGE_CAP_BYTES + 1))
    assert log.flush(5)
    response = log.rows[0]["response"]
    assert len(response.encode()) <= events.PAYLOAD_CAP_BYTES
    assert response == "é" * (events.PAYLOAD_CAP_BYTES // 2)
    assert len(log.rows[1]["errorMessage"].encode()) == events.ERROR_MESSAGE_CAP_BYTES
    assert log.stats().truncated == 2


def test_targets_are_urls():
    assert transport_from_url("sqlite:///rel.db").path == "rel.db"
    assert transport_from_url("sqlite:////abs/x.db").path == "/abs/x.db"
    m = transport_from_url("mysql://u:p%40ss@db:3307/pipe")
    assert (m.params["host"], m.params["port"], m.params["password"], m.params["database"]) == \
        ("db", 3307, "p@ss", "pipe")
    h = transport_from_url("https://exp.example:5066/", token="t", pipeline="cofi")
    assert h.endpoint == "https://exp.example:5066/api/events?pipeline=cofi"
    assert h.context.check_hostname  # verified by default
    for bad in ["oracle://x", "sqlite://", "http://x"]:
        with pytest.raises(ValueError):
            transport_from_url(bad)  # no token for http
    with pytest.raises(ValueError):
        transport_from_url("sqlite:///x.db", table="x; DROP TABLE y")

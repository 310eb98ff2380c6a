"""The queue and the writer: never blocking the pipeline, order kept, retries without loss or
doubles, progress rows dropped first when full, the context managers and the decorator."""

import threading

import pytest

from pipeline_events import EventLogger, RejectedError, TransientError


class GatedTransport:
    """Writes only while the gate is open; fails (TransientError) `failures` times first."""

    def __init__(self, failures=0):
        self.rows = []
        self.calls = 0
        self.failures = failures
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()  # set once a write has begun
        self.reject_next = False

    def write(self, rows):
        self.entered.set()
        self.gate.wait()
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise TransientError("database is down (fake)")
        if self.reject_next:
            self.reject_next = False
            raise RejectedError("refused (fake)")
        self.rows.extend(rows)

    def close(self):
        pass


def make(transport, **kwargs):
    kwargs.setdefault("min_backoff", 0.001)
    kwargs.setdefault("max_backoff", 0.01)
    return EventLogger(transport=transport, **kwargs)


def test_a_full_queue_drops_only_progress_rows_and_counts_them():
    t = GatedTransport()
    t.gate.clear()  # the database hangs: nothing is written
    log = make(t, queue_size=10, max_queue=20, batch_rows=5)
    log.stage_start(1, "stt", total_files=100)
    assert t.entered.wait(5)  # the writer holds stage_start; the queue is empty
    for i in range(30):  # 10 fit, 20 find the queue full and are dropped
        log.stage_progress(1, "stt", i)
    assert log.stats().dropped_progress == 20
    for i in range(8):  # each takes the place of the oldest progress row
        log.file_complete(1, "stt", f"f{i}.wav")
    s = log.stats()
    assert (s.dropped_progress, s.dropped, s.queued) == (28, 0, 11)
    for i in range(8, 40):  # 2 evict the last progress rows, 10 more fit up to max_queue
        log.file_complete(1, "stt", f"f{i}.wav")
    s = log.stats()
    assert (s.dropped_progress, s.dropped) == (30, 20)
    t.gate.set()
    assert log.close(10)
    assert [r["eventType"] for r in t.rows] == ["stage_start"] + ["file_complete"] * 20
    assert [r["fileName"] for r in t.rows[1:]] == [f"f{i}.wav" for i in range(20)]
    s = log.stats()
    assert (s.written, s.queued) == (21, 0)


def test_calls_never_wait_for_a_hanging_database():
    t = GatedTransport()
    t.gate.clear()
    log = make(t, queue_size=1000)
    done = threading.Event()

    def pipeline():
        for i in range(500):
            log.file_complete(1, "stt", f"f{i}.wav")
        done.set()
    threading.Thread(target=pipeline).start()
    assert done.wait(10), "the pipeline was blocked by its event logger"
    t.gate.set()
    assert log.close(10)
    assert len(t.rows) == 500


def test_a_failing_database_is_retried_in_order_without_loss_or_doubles():
    t = GatedTransport(failures=5)
    log = make(t, batch_rows=7)
    for i in range(100):
        log.file_complete(1, "stt", f"f{i}.wav")
    assert log.close(10)
    assert [r["fileName"] for r in t.rows] == [f"f{i}.wav" for i in range(100)]
    s = log.stats()
    assert (s.retries, s.written, s.dropped, s.rejected) == (5, 100, 0, 0)
    assert "down" in s.last_error


def test_refused_rows_are_dropped_counted_and_the_rest_goes_on():
    t = GatedTransport()
    t.reject_next = True
    t.gate.clear()
    log = make(t, batch_rows=3)
    for i in range(6):
        log.file_complete(1, "stt", f"f{i}.wav")
    t.gate.set()
    assert log.close(10)
    s = log.stats()
    assert s.rejected == 3 and s.written == 3
    assert [r["fileName"] for r in t.rows] == ["f3.wav", "f4.wav", "f5.wav"]


def test_close_gives_up_at_its_timeout_and_counts_what_it_left():
    t = GatedTransport(failures=10**9)  # never comes back
    log = make(t)
    for i in range(10):
        log.file_complete(1, "stt", f"f{i}.wav")
    assert log.close(0.3) is False
    s = log.stats()
    assert s.dropped == 10 and s.written == 0
    with pytest.raises(RuntimeError):
        log.info(1, "after close")


def test_scopes_write_start_and_complete_and_an_error_when_an_exception_escapes():
    t = GatedTransport()
    log = make(t)
    with pytest.raises(ZeroDivisionError):
        with log.batch(9, total_files=2, metadata={"batchNumber": 1}) as b:
            with b.stage("denoise", total_files=2) as s:
                s.file_complete("a.wav", gpu_ip="10.0.0.1", duration=0.5)
                s.file_error("b.wav", "too quiet")
                with s.substage("decode"):
                    s.progress(1, 1)
            with b.stage("stt") as s:
                1 / 0
    assert log.close(5)
    got = [(r["eventType"], r.get("stage"), r.get("fileName"), r.get("subStage")) for r in t.rows]
    assert got == [
        ("batch_start", None, None, None),
        ("stage_start", "denoise", None, None),
        ("file_complete", "denoise", "a.wav", None),
        ("error", "denoise", "b.wav", None),
        ("substage_start", "denoise", None, "decode"),
        ("stage_progress", "denoise", None, None),
        ("substage_complete", "denoise", None, "decode"),
        ("stage_complete", "denoise", None, None),
        ("stage_start", "stt", None, None),
        ("error", "stt", None, None),
        ("stage_failed", "stt", None, None),
        ("error", None, None, None),
        ("batch_failed", None, None, None),
    ]
    complete = t.rows[7]
    assert (complete["processedFiles"], complete["failedFiles"]) == (1, 1)
    assert t.rows[9]["errorMessage"] == "ZeroDivisionError: division by zero"


def test_the_stage_decorator():
    t = GatedTransport()
    log = make(t)

    @log.stage("denoise")
    def denoise(batch_id, files):
        for f in files:
            log.file_complete(batch_id, "denoise", f)
        return len(files)

    @log.stage("stt")
    def stt(batch_id):
        raise ValueError("no model")

    assert denoise(3, ["a", "b"]) == 2
    with pytest.raises(ValueError, match="no model"):
        stt(batch_id=3)
    assert log.close(5)
    types = [(r["eventType"], r["stage"]) for r in t.rows]
    assert types == [("stage_start", "denoise"), ("file_complete", "denoise"),
                     ("file_complete", "denoise"), ("stage_complete", "denoise"),
                     ("stage_start", "stt"), ("error", "stt"), ("stage_failed", "stt")]
    assert t.rows[3]["processedFiles"] == 2


def test_many_threads_one_logger():
    t = GatedTransport()
    log = make(t)

    def worker(k):
        for i in range(200):
            log.file_complete(1, "stt", f"w{k}-{i}.wav")
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert log.close(10)
    names = [r["fileName"] for r in t.rows]
    assert len(names) == len(set(names)) == 1600
    for k in range(8):  # each thread's rows in its order
        mine = [n for n in names if n.startswith(f"w{k}-")]
        assert mine == [f"w{k}-{i}.wav" for i in range(200)]

"""EventLogger: what a pipeline calls. Each call validates its arguments at once (ValueError
for anything the exporter would reject) and puts one row on a bounded queue; one writer thread
takes rows off the queue and writes them in order, many per transaction. The pipeline never
waits for the database: while it is away the writer keeps the rows and tries again with a
capped backoff; when the queue is full, progress checkpoints are dropped first and file, stage
and batch rows are kept (up to a hard limit). Every drop is counted (`stats()`) and logged at
most once a minute. `close()` (also run at exit) writes what is queued, within a timeout.

Thread-safe: any thread may call any method.
"""

import atexit
import collections
import dataclasses
import functools
import logging
import threading
import time
import weakref

from . import events
from .transports import RejectedError, TransientError, transport_from_url

_log = logging.getLogger("pipeline_events")


@dataclasses.dataclass
class Stats:
    """What the logger did since it was made."""
    queued: int = 0             # rows waiting now
    written: int = 0            # rows the destination took
    dropped_progress: int = 0   # stage_progress rows dropped because the queue was full
    dropped: int = 0            # other rows dropped: past max_queue, or at close's timeout
    rejected: int = 0           # rows the destination refused (cannot be written at all)
    truncated: int = 0          # payloads and error messages cut to the cap
    retries: int = 0            # failed writes that were tried again
    last_error: str = ""        # the latest failure, "" when none


class _Counts:
    """Files completed and failed in one stage run, for stage_complete's figures."""
    __slots__ = ("processed", "failed")

    def __init__(self):
        self.processed = 0
        self.failed = 0


class EventLogger:
    """Writes pipeline_exporter events.

    `target`: "sqlite:///events.db" (or "sqlite:////abs/path.db"),
    "postgresql://user:pw@host:5432/db", "mysql://user:pw@host:3306/db", or the exporter's
    "http(s)://host:5066" with `token` (ingest.token) and `pipeline`; or pass `transport`.
    `queue_size`: rows held before progress rows are dropped; `max_queue`: rows held before
    any row is dropped. `batch_rows`: rows per transaction at most.
    """

    def __init__(self, target=None, *, transport=None, table="batchExecutionLog", token=None,
                 pipeline=None, verify=True, cafile=None, queue_size=10_000, max_queue=100_000,
                 batch_rows=500, min_backoff=0.1, max_backoff=30.0,
                 payload_cap=events.PAYLOAD_CAP_BYTES, close_timeout=10.0, clock=time.monotonic):
        if (target is None) == (transport is None):
            raise ValueError("give a target URL or a transport")
        if not 1 <= queue_size <= max_queue:
            raise ValueError("queue_size must be at least 1 and at most max_queue")
        self._transport = transport or transport_from_url(
            target, table=table, token=token, pipeline=pipeline, verify=verify, cafile=cafile)
        self._queue_size = queue_size
        self._max_queue = max_queue
        self._batch_rows = batch_rows
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._payload_cap = payload_cap
        self._close_timeout = close_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._rows = collections.deque()
        self._in_flight = 0          # rows taken by the writer, not yet written
        self._progress = 0           # stage_progress rows in self._rows
        self._stats = Stats()
        self._counts = {}            # (batch_id, stage) → _Counts of the stage run
        self._closing = False
        self._last_drop_log = None
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pipeline_events-writer",
                                        daemon=True)
        self._thread.start()
        ref = weakref.ref(self)
        self._atexit = lambda: ref() is not None and ref().close()
        atexit.register(self._atexit)

    # ---- the event types, one method each (the names and fields of the exporter's table) ----

    def batch_start(self, batch_id, total_files=None, metadata=None):
        """`metadata` (JSON-serialisable) is the batch's requestPayload: the exporter shows
        batchDate, batchNumber and the like from it."""
        self._put("batch_start", batch_id, total_files=total_files, request_payload=metadata)

    def batch_complete(self, batch_id):
        self._put("batch_complete", batch_id)

    def batch_failed(self, batch_id, error=None):
        self._put("batch_failed", batch_id, error_message=error)

    def batch_canceled(self, batch_id, reason=None):
        self._put("batch_canceled", batch_id, error_message=reason)

    def batch_paused(self, batch_id):
        self._put("batch_paused", batch_id)

    def batch_resumed(self, batch_id):
        self._put("batch_resumed", batch_id)

    def stage_start(self, batch_id, stage, total_files=None):
        row = self._put("stage_start", batch_id, stage=stage, total_files=total_files)
        with self._lock:
            self._counts[(row["batchId"], row["stage"])] = _Counts()

    def stage_progress(self, batch_id, stage, processed_files, failed_files=None,
                       total_files=None):
        self._put("stage_progress", batch_id, stage=stage, processed_files=processed_files,
                  failed_files=failed_files, total_files=total_files)

    def stage_complete(self, batch_id, stage, processed_files=None, failed_files=None):
        """Without figures, those of this logger's file_complete / file_error calls since the
        stage's stage_start."""
        with self._lock:
            counts = self._counts.pop((batch_id, stage), None)
        if processed_files is None and counts is not None:
            processed_files = counts.processed
        if failed_files is None and counts is not None:
            failed_files = counts.failed
        self._put("stage_complete", batch_id, stage=stage, processed_files=processed_files,
                  failed_files=failed_files)

    def stage_failed(self, batch_id, stage, error=None):
        with self._lock:
            self._counts.pop((batch_id, stage), None)
        self._put("stage_failed", batch_id, stage=stage, error_message=error)

    def substage_start(self, batch_id, stage, sub_stage):
        self._put("substage_start", batch_id, stage=stage, sub_stage=sub_stage)

    def substage_complete(self, batch_id, stage, sub_stage):
        self._put("substage_complete", batch_id, stage=stage, sub_stage=sub_stage)

    def file_start(self, batch_id, stage, file_name, gpu_ip=None):
        self._put("file_start", batch_id, stage=stage, file_name=file_name, gpu_ip=gpu_ip)

    def file_complete(self, batch_id, stage, file_name, gpu_ip=None, response=None, *,
                      duration=None, duration_ms=None, payload=None):
        """One file done. `response` and `payload` (the request) may be text, bytes (UTF-8)
        or anything JSON-serialisable; over 256 KiB they are cut (stats().truncated)."""
        row = self._put("file_complete", batch_id, stage=stage, file_name=file_name,
                        gpu_ip=gpu_ip, response=response, request_payload=payload,
                        duration=duration, duration_ms=duration_ms)
        self._count(row, failed=False)

    def file_error(self, batch_id, stage, file_name, error, gpu_ip=None, *, duration=None,
                   duration_ms=None, payload=None):
        """One file failed: an `error` row with the file's name (an exception gives its type
        and message)."""
        row = self._put("error", batch_id, stage=stage, file_name=file_name, gpu_ip=gpu_ip,
                        error_message=error, duration=duration, duration_ms=duration_ms,
                        request_payload=payload)
        self._count(row, failed=True)

    def error(self, batch_id, error, stage=None, file_name=None, gpu_ip=None):
        """An error row; with `file_name` it counts that file as failed."""
        row = self._put("error", batch_id, stage=stage, file_name=file_name, gpu_ip=gpu_ip,
                        error_message=error)
        if file_name is not None:
            self._count(row, failed=True)

    def warning(self, batch_id, message, stage=None):
        self._put("warning", batch_id, stage=stage, error_message=message)

    def info(self, batch_id, message, stage=None):
        self._put("info", batch_id, stage=stage, error_message=message)

    # ---- the idiomatic layer ----

    def batch(self, batch_id, total_files=None, metadata=None):
        """`with log.batch(42) as b:` — batch_start now; batch_complete at the end, or, when an
        exception leaves the block, an error row with it and batch_failed (then it goes on)."""
        return BatchScope(self, batch_id, total_files, metadata)

    def stage(self, stage, total_files=None, batch_id=None):
        """As a decorator: `@log.stage("denoise")` on a function whose first argument (or
        keyword `batch_id`) is the batch id: stage_start when called, stage_complete when it
        returns, an error row and stage_failed when it raises. With `batch_id`: a `with`
        block."""
        if batch_id is not None:
            return StageScope(self, batch_id, stage, total_files)

        def decorate(function):
            @functools.wraps(function)
            def wrapper(*args, **kwargs):
                if "batch_id" in kwargs:
                    bid = kwargs["batch_id"]
                elif args:
                    bid = args[0]
                else:
                    raise ValueError(f"@stage({stage!r}): call with the batch id first")
                with StageScope(self, bid, stage, total_files):
                    return function(*args, **kwargs)
            return wrapper
        return decorate

    # ---- state ----

    def stats(self):
        """A copy of the counters."""
        with self._lock:
            s = dataclasses.replace(self._stats)
            s.queued = len(self._rows) + self._in_flight
            return s

    def flush(self, timeout=None):
        """Waits until every row queued so far is written (or dropped); False at the timeout."""
        deadline = None if timeout is None else self._clock() + timeout
        with self._lock:
            self._wake.set()
            while self._rows or self._in_flight:
                left = None if deadline is None else deadline - self._clock()
                if left is not None and left <= 0:
                    return False
                self._changed.wait(0.05 if left is None else min(left, 0.05))
        return True

    def close(self, timeout=None):
        """Writes what is queued (waiting at most `timeout`, default close_timeout seconds),
        then stops the writer; rows still queued then are dropped and counted. True when
        everything was written. Idempotent."""
        timeout = self._close_timeout if timeout is None else timeout
        with self._lock:
            if self._closing:
                return not self._rows
            self._closing = True
        done = self.flush(timeout)
        with self._lock:
            left = len(self._rows)
            if left:
                self._stats.dropped += left
                self._rows.clear()
                self._progress = 0
            self._changed.notify_all()
        self._wake.set()
        self._thread.join(timeout=max(1.0, timeout))
        self._transport.close()
        atexit.unregister(self._atexit)
        if left:
            _log.error("pipeline_events: closed with %d rows not written (%s)", left,
                       self._stats.last_error or "timeout")
        return done and not left

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # ---- inside ----

    def _count(self, row, failed):
        with self._lock:
            counts = self._counts.get((row["batchId"], row.get("stage")))
            if counts is not None:
                if failed:
                    counts.failed += 1
                else:
                    counts.processed += 1

    def _put(self, event_type, batch_id, **fields):
        row, truncated = events.make_row(event_type, batch_id, payload_cap=self._payload_cap,
                                         **fields)
        if truncated:
            _log.warning("pipeline_events: %s of batch %s: %d text(s) cut to the cap",
                         event_type, batch_id, truncated)
        with self._lock:
            if self._closing:
                raise RuntimeError("the EventLogger is closed")
            self._stats.truncated += truncated
            self._enqueue(row)
        self._wake.set()
        return row

    def _enqueue(self, row):
        """Under the lock: room first from progress rows, then from nothing."""
        droppable = events.is_droppable(row)
        if len(self._rows) >= self._queue_size:
            if droppable:
                self._drop("dropped_progress", "the queue is full: a progress row was dropped")
                return
            if self._progress:
                self._remove_oldest_progress()
                self._drop("dropped_progress", "the queue is full: a progress row was dropped")
            elif len(self._rows) >= self._max_queue:
                self._drop("dropped", f"the queue holds max_queue={self._max_queue} rows: "
                                      f"a {row['eventType']} row was dropped")
                return
        self._rows.append(row)
        if droppable:
            self._progress += 1

    def _remove_oldest_progress(self):
        for i, r in enumerate(self._rows):
            if events.is_droppable(r):
                del self._rows[i]
                self._progress -= 1
                return

    def _drop(self, counter, message):
        setattr(self._stats, counter, getattr(self._stats, counter) + 1)
        now = self._clock()
        if self._last_drop_log is None or now - self._last_drop_log >= 60:
            self._last_drop_log = now
            _log.warning("pipeline_events: %s (dropped so far: %d progress, %d other; last "
                         "error: %s)", message, self._stats.dropped_progress,
                         self._stats.dropped, self._stats.last_error or "none")

    def _take(self):
        with self._lock:
            n = min(self._batch_rows, len(self._rows))
            rows = [self._rows.popleft() for _ in range(n)]
            self._progress -= sum(1 for r in rows if events.is_droppable(r))
            self._in_flight = n
            return rows

    def _give_back(self, rows):
        """A failed write: the rows go back to the head, in order (they were taken first)."""
        with self._lock:
            self._rows.extendleft(reversed(rows))
            self._progress += sum(1 for r in rows if events.is_droppable(r))
            self._in_flight = 0
            self._changed.notify_all()

    def _run(self):
        backoff = 0.0
        while True:
            self._wake.wait(timeout=1.0)
            self._wake.clear()
            while True:
                with self._lock:
                    if self._closing and not self._rows:
                        self._changed.notify_all()
                        return
                rows = self._take()
                if not rows:
                    with self._lock:
                        self._changed.notify_all()
                    break
                try:
                    self._transport.write(rows)
                except TransientError as e:
                    self._give_back(rows)
                    with self._lock:
                        self._stats.retries += 1
                        self._stats.last_error = str(e)
                    backoff = min(self._max_backoff, max(self._min_backoff, backoff * 2))
                    _log.debug("pipeline_events: write failed, again in %.1fs: %s", backoff, e)
                    # Wait out the backoff, unless close() gives up meanwhile.
                    if self._wait_closed(backoff):
                        return
                    continue
                except RejectedError as e:
                    with self._lock:
                        self._in_flight = 0
                        self._stats.rejected += len(rows)
                        self._stats.last_error = str(e)
                        self._changed.notify_all()
                    _log.error("pipeline_events: %d rows refused and dropped: %s", len(rows), e)
                    continue
                backoff = 0.0
                with self._lock:
                    self._in_flight = 0
                    self._stats.written += len(rows)
                    self._changed.notify_all()

    def _wait_closed(self, seconds):
        """Sleeps `seconds` (woken early by close); True when close() has given up on the rows."""
        deadline = self._clock() + seconds
        with self._lock:
            while True:
                if self._closing and not self._rows:
                    return True
                left = deadline - self._clock()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.05))


class StageScope:
    """One stage run of one batch, as a context manager (`with b.stage("stt") as s:`)."""

    def __init__(self, log, batch_id, stage, total_files=None):
        self.log = log
        self.batch_id = batch_id
        self.name = stage
        self.total_files = total_files
        events.check_batch_id(batch_id)
        events.check_name(stage, "stage")

    def __enter__(self):
        self.log.stage_start(self.batch_id, self.name, total_files=self.total_files)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None:
            self.log.stage_complete(self.batch_id, self.name)
        else:
            self.log.error(self.batch_id, exc, stage=self.name)
            self.log.stage_failed(self.batch_id, self.name, error=exc)
        return False

    def file_start(self, file_name, gpu_ip=None):
        self.log.file_start(self.batch_id, self.name, file_name, gpu_ip=gpu_ip)

    def file_complete(self, file_name, gpu_ip=None, response=None, **kwargs):
        self.log.file_complete(self.batch_id, self.name, file_name, gpu_ip, response, **kwargs)

    def file_error(self, file_name, error, gpu_ip=None, **kwargs):
        self.log.file_error(self.batch_id, self.name, file_name, error, gpu_ip, **kwargs)

    def progress(self, processed_files, failed_files=None, total_files=None):
        self.log.stage_progress(self.batch_id, self.name, processed_files, failed_files,
                                total_files)

    def substage(self, sub_stage):
        """`with s.substage("decode"):` — substage_start and substage_complete around it."""
        return SubStageScope(self, sub_stage)


class SubStageScope:
    def __init__(self, stage, sub_stage):
        self.stage = stage
        self.name = events.check_name(sub_stage, "sub_stage")

    def __enter__(self):
        self.stage.log.substage_start(self.stage.batch_id, self.stage.name, self.name)
        return self

    def __exit__(self, *exc):
        self.stage.log.substage_complete(self.stage.batch_id, self.stage.name, self.name)
        return False


class BatchScope:
    """One batch, as a context manager (`with log.batch(42) as b:`)."""

    def __init__(self, log, batch_id, total_files=None, metadata=None):
        self.log = log
        self.id = events.check_batch_id(batch_id)
        self.total_files = total_files
        self.metadata = metadata

    def __enter__(self):
        self.log.batch_start(self.id, total_files=self.total_files, metadata=self.metadata)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None:
            self.log.batch_complete(self.id)
        else:
            self.log.error(self.id, exc)
            self.log.batch_failed(self.id, error=exc)
        return False

    def stage(self, stage, total_files=None):
        return StageScope(self.log, self.id, stage, total_files)

    def info(self, message, stage=None):
        self.log.info(self.id, message, stage=stage)

    def warning(self, message, stage=None):
        self.log.warning(self.id, message, stage=stage)

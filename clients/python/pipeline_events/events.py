"""One event row: the exporter's event types, its field names and its rules.

Every check the exporter makes on a row (exporter/core/event_validator.cpp) is made here, at
the call site, so that a bad argument is a ValueError in the pipeline's code and never a row
the exporter counts as invalid. Pure; thread-safe.
"""

import datetime
import json

# The closed set of event types (README, "The event table").
EVENT_TYPES = frozenset({
    "batch_start", "batch_complete", "batch_failed", "batch_canceled", "batch_paused",
    "batch_resumed", "stage_start", "stage_progress", "stage_complete", "stage_failed",
    "substage_start", "substage_complete", "file_start", "file_complete", "error", "warning",
    "info",
})
_NEEDS_STAGE = frozenset({
    "stage_start", "stage_progress", "stage_complete", "stage_failed", "substage_start",
    "substage_complete", "file_start", "file_complete",
})
_NEEDS_SUB_STAGE = frozenset({"substage_start", "substage_complete"})
_NEEDS_FILE = frozenset({"file_start", "file_complete"})

MAX_NAME_BYTES = 64            # stage, subStage, gpuIp (the exporter's label values)
MAX_FILE_NAME_CHARS = 1024     # fileName: VARCHAR(1024)
MAX_COUNT = 1_000_000_000      # totalFiles, processedFiles, failedFiles
MAX_DURATION_MS = 30 * 24 * 3600 * 1000
MAX_BATCH_ID = 2**63 - 1
PAYLOAD_CAP_BYTES = 256 * 1024        # what the exporter serves of a payload
ERROR_MESSAGE_CAP_BYTES = 60 * 1024   # MySQL's TEXT holds 65,535 bytes

# The columns a row may carry, in the table's names, in the order they are written.
COLUMNS = (
    "batchId", "stage", "subStage", "eventType", "fileName", "gpuIp", "totalFiles",
    "processedFiles", "failedFiles", "durationMs", "requestPayload", "response", "errorMessage",
    "timestamp",
)


def utc_now():
    """The time of an event: always UTC, whatever the machine's zone."""
    return datetime.datetime.now(datetime.timezone.utc)


def _utf8(value, what):
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a str, got {type(value).__name__}")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as e:
        # A file name read as bytes and decoded with surrogateescape, say.
        raise ValueError(f"{what} is not valid UTF-8 text: {value!r} ({e.reason})") from None


def _has_control(text):
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def check_batch_id(batch_id):
    if isinstance(batch_id, bool) or not isinstance(batch_id, int):
        raise ValueError(f"batch_id must be an int, got {batch_id!r}")
    if not 0 < batch_id <= MAX_BATCH_ID:
        raise ValueError(f"batch_id must be positive (the exporter shows no other), got {batch_id}")
    return batch_id


def check_name(value, what):
    """A stage, sub-stage or worker name: a label value of the exporter."""
    data = _utf8(value, what)
    if not value:
        raise ValueError(f"{what} must not be empty")
    if len(data) > MAX_NAME_BYTES:
        raise ValueError(f"{what} is {len(data)} bytes; the exporter takes at most {MAX_NAME_BYTES}")
    if _has_control(value):
        raise ValueError(f"{what} must not contain control characters: {value!r}")
    return value


def check_file_name(value):
    _utf8(value, "file_name")
    if not value:
        raise ValueError("file_name must not be empty")
    if len(value) > MAX_FILE_NAME_CHARS:
        raise ValueError(f"file_name is {len(value)} characters; the column takes {MAX_FILE_NAME_CHARS}")
    return value


def check_count(value, what):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an int, got {value!r}")
    if not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{what} must be between 0 and {MAX_COUNT}, got {value}")
    return value


def duration_ms_of(duration=None, duration_ms=None):
    """`duration` in seconds (float) or `duration_ms` (int) → whole milliseconds, or None."""
    if duration is not None and duration_ms is not None:
        raise ValueError("give duration (seconds) or duration_ms, not both")
    if duration is not None:
        if isinstance(duration, bool) or not isinstance(duration, (int, float)):
            raise ValueError(f"duration must be seconds as a number, got {duration!r}")
        if duration != duration:  # NaN
            raise ValueError("duration must not be NaN")
        duration_ms = round(duration * 1000)
    if duration_ms is None:
        return None
    if isinstance(duration_ms, bool) or not isinstance(duration_ms, int):
        raise ValueError(f"duration_ms must be an int, got {duration_ms!r}")
    if not 0 <= duration_ms <= MAX_DURATION_MS:
        raise ValueError(f"duration must be between 0 and 30 days, got {duration_ms} ms")
    return duration_ms


def _cap(text, cap):
    """`text` cut to at most `cap` UTF-8 bytes on a character boundary; (text, was_cut)."""
    data = text.encode("utf-8")
    if len(data) <= cap:
        return text, False
    return data[:cap].decode("utf-8", errors="ignore"), True


def payload_text(value, what, cap=PAYLOAD_CAP_BYTES):
    """A payload as stored: a str as it is, bytes as UTF-8, anything else as JSON.

    Returns (text or None, truncated)."""
    if value is None:
        return None, False
    if isinstance(value, (bytes, bytearray)):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{what} bytes are not UTF-8 text") from None
    if not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{what} is not JSON-serialisable: {e}") from None
    _utf8(value, what)
    return _cap(value, cap)


def make_row(event_type, batch_id, stage=None, sub_stage=None, file_name=None, gpu_ip=None,
             total_files=None, processed_files=None, failed_files=None, duration=None,
             duration_ms=None, request_payload=None, response=None, error_message=None,
             timestamp=None, payload_cap=PAYLOAD_CAP_BYTES):
    """A validated row {column: value} and how many of its texts were truncated.

    Raises ValueError for anything the exporter would reject."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    row = {"eventType": event_type, "batchId": check_batch_id(batch_id)}
    if stage is not None:
        row["stage"] = check_name(stage, "stage")
    elif event_type in _NEEDS_STAGE:
        raise ValueError(f"{event_type} needs a stage")
    if sub_stage is not None:
        row["subStage"] = check_name(sub_stage, "sub_stage")
    elif event_type in _NEEDS_SUB_STAGE:
        raise ValueError(f"{event_type} needs a sub_stage")
    if file_name is not None:
        row["fileName"] = check_file_name(file_name)
    elif event_type in _NEEDS_FILE:
        raise ValueError(f"{event_type} needs a file_name")
    if gpu_ip is not None:
        row["gpuIp"] = check_name(gpu_ip, "gpu_ip")
    for column, value, what in (("totalFiles", total_files, "total_files"),
                                ("processedFiles", processed_files, "processed_files"),
                                ("failedFiles", failed_files, "failed_files")):
        if value is not None:
            row[column] = check_count(value, what)
    ms = duration_ms_of(duration, duration_ms)
    if ms is not None:
        row["durationMs"] = ms
    truncated = 0
    for column, value, what in (("requestPayload", request_payload, "request_payload"),
                                ("response", response, "response")):
        text, cut = payload_text(value, what, payload_cap)
        if text is not None:
            row[column] = text
            truncated += cut
    if error_message is not None:
        if isinstance(error_message, BaseException):
            error_message = f"{type(error_message).__name__}: {error_message}"
        text, cut = _cap(str(error_message), ERROR_MESSAGE_CAP_BYTES)
        _utf8(text, "error_message")
        row["errorMessage"] = text
        truncated += cut
    when = timestamp if timestamp is not None else utc_now()
    if not isinstance(when, datetime.datetime) or when.tzinfo is None:
        raise ValueError("timestamp must be a timezone-aware datetime")
    row["timestamp"] = when.astimezone(datetime.timezone.utc)
    return row, truncated


def is_droppable(row):
    """Progress rows are checkpoints: under pressure they are dropped first (a later one or
    stage_complete carries the same figures)."""
    return row["eventType"] == "stage_progress"

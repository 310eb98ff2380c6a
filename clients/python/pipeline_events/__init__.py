"""pipeline_events: write pipeline_exporter's stage events from a Python pipeline.

    from pipeline_events import EventLogger

    log = EventLogger("sqlite:///pipeline_events.db")
    with log.batch(42, total_files=500, metadata={"batchDate": "2024-01-13"}) as b:
        with b.stage("stt", total_files=500) as s:
            for f in files:
                s.file_complete(f, gpu_ip="10.0.3.11", duration=1.2, response={"text": "…"})
    log.close()

The seeds' calls work as they are: log.stage_start(batch_id, "denoise", total_files=500),
log.file_complete(batch_id, "denoise", "audio001.wav", gpu_ip, response), log.stage_progress(…),
log.stage_complete(batch_id, "denoise", processed_files=495, failed_files=5).
"""

from .events import EVENT_TYPES, PAYLOAD_CAP_BYTES
from .logger import BatchScope, EventLogger, Stats, StageScope
from .transports import (HttpTransport, MysqlTransport, PostgresTransport, RejectedError,
                         SqliteTransport, TransientError)

__all__ = [
    "EVENT_TYPES", "PAYLOAD_CAP_BYTES", "BatchScope", "EventLogger", "HttpTransport",
    "MysqlTransport", "PostgresTransport", "RejectedError", "SqliteTransport", "StageScope",
    "Stats", "TransientError",
]
__version__ = "0.1.0"

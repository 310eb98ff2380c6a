-- pipeline_exporter event log, SQLite. Timestamps are UTC text with milliseconds.
-- WAL: the exporter's reads never wait for a writer, nor a writer for them (in the default
-- rollback-journal mode a read waits while a write commits). The mode stays with the file.
-- auto_vacuum=INCREMENTAL (only possible while the file has no table yet): pages freed by a
-- prune are returned to the file system in steps (PRAGMA incremental_vacuum), so the file
-- shrinks. An existing file is converted once with: PRAGMA auto_vacuum=INCREMENTAL; VACUUM;
PRAGMA auto_vacuum=INCREMENTAL;
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS batchExecutionLog (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  batchId        INTEGER NOT NULL,
  stage          VARCHAR(64),
  eventType      VARCHAR(32) NOT NULL,
  fileName       VARCHAR(1024),
  gpuIp          VARCHAR(64),
  totalFiles     INTEGER,
  processedFiles INTEGER,
  failedFiles    INTEGER,
  durationMs     INTEGER,
  requestPayload TEXT,
  response       TEXT,
  errorMessage   TEXT,
  timestamp      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);
CREATE INDEX IF NOT EXISTS batchExecutionLog_batch ON batchExecutionLog (batchId, id);
CREATE INDEX IF NOT EXISTS batchExecutionLog_batch_stage ON batchExecutionLog (batchId, stage, id);

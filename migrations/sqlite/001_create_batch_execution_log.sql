-- pipeline_exporter event log, SQLite. Timestamps are UTC text with milliseconds.
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

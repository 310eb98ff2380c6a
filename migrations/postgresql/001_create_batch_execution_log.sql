-- pipeline_exporter event log, PostgreSQL 12+. Identifiers are unquoted, so PostgreSQL
-- folds them to lower case and the same query text works on every database.
CREATE TABLE IF NOT EXISTS batchExecutionLog (
  id             BIGSERIAL PRIMARY KEY,
  batchId        BIGINT NOT NULL,
  stage          VARCHAR(64),
  eventType      VARCHAR(32) NOT NULL,
  fileName       VARCHAR(1024),
  gpuIp          VARCHAR(64),
  totalFiles     INTEGER,
  processedFiles INTEGER,
  failedFiles    INTEGER,
  durationMs     BIGINT,
  requestPayload TEXT,
  response       TEXT,
  errorMessage   TEXT,
  timestamp      TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS batchExecutionLog_batch ON batchExecutionLog (batchId, id);
CREATE INDEX IF NOT EXISTS batchExecutionLog_batch_stage ON batchExecutionLog (batchId, stage, id);

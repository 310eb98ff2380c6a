-- pipeline_exporter event log, MySQL 8 / MariaDB 10.5+.
-- DATETIME(3) has no time zone: writers must store UTC (run the server, or the writing
-- session, with time_zone = '+00:00' so that the default below is UTC).
CREATE TABLE IF NOT EXISTS batchExecutionLog (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  batchId        BIGINT NOT NULL,
  stage          VARCHAR(64) NULL,
  eventType      VARCHAR(32) NOT NULL,
  fileName       VARCHAR(1024) NULL,
  gpuIp          VARCHAR(64) NULL,
  totalFiles     INT NULL,
  processedFiles INT NULL,
  failedFiles    INT NULL,
  durationMs     BIGINT NULL,
  requestPayload LONGTEXT NULL,
  response       LONGTEXT NULL,
  errorMessage   TEXT NULL,
  timestamp      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY batchExecutionLog_batch (batchId, id),
  KEY batchExecutionLog_batch_stage (batchId, stage, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

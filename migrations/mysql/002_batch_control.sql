-- pipeline_exporter 002, MySQL 8 / MariaDB 10.5+: the batch control table (the exporter
-- writes requests, the pipeline reads them and acknowledges with batch_paused /
-- batch_resumed / batch_canceled) and the sub-stage column. Times are UTC.
CREATE TABLE IF NOT EXISTS batchControl (
  id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  batchId     BIGINT NOT NULL,
  action      VARCHAR(16) NOT NULL,
  requestedBy VARCHAR(128) NULL,
  reason      VARCHAR(1024) NULL,
  requestedAt DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY batchControl_batch (batchId, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
ALTER TABLE batchExecutionLog ADD COLUMN subStage VARCHAR(64) NULL;

-- pipeline_exporter 002, PostgreSQL 12+: the batch control table (the exporter writes
-- requests, the pipeline reads them and acknowledges with batch_paused / batch_resumed /
-- batch_canceled) and the sub-stage column.
CREATE TABLE IF NOT EXISTS batchControl (
  id          BIGSERIAL PRIMARY KEY,
  batchId     BIGINT NOT NULL,
  action      VARCHAR(16) NOT NULL,
  requestedBy VARCHAR(128),
  reason      VARCHAR(1024),
  requestedAt TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS batchControl_batch ON batchControl (batchId, id);
ALTER TABLE batchExecutionLog ADD COLUMN IF NOT EXISTS subStage VARCHAR(64);

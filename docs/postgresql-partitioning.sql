-- pipeline_exporter on PostgreSQL 12+, optional: the event table partitioned by month, so that
-- retention can drop a whole month at once (instant, no bloat) instead of deleting rows. Use it
-- in place of migration 001 on a new database (the columns, names and indexes are 001's, 002's
-- subStage and 004's index included); apply 002 (the control table) and 004 as usual. The
-- exporter reads it like any other table. README "Retention" says when to use it.
--
-- The primary key of a partitioned table must hold the partition key: (id, timestamp). Ids
-- still come from one sequence, so they increase across months as the exporter expects.
CREATE TABLE IF NOT EXISTS batchExecutionLog (
  id             BIGSERIAL NOT NULL,
  batchId        BIGINT NOT NULL,
  stage          VARCHAR(64),
  subStage       VARCHAR(64),
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
  timestamp      TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id, timestamp)
) PARTITION BY RANGE (timestamp);
CREATE INDEX IF NOT EXISTS batchExecutionLog_batch ON batchExecutionLog (batchId, id);
CREATE INDEX IF NOT EXISTS batchExecutionLog_batch_stage ON batchExecutionLog (batchId, stage, id);
CREATE INDEX IF NOT EXISTS batchExecutionLog_batch_type ON batchExecutionLog (batchId, eventType, id);
-- Rows outside every month created below land here instead of failing the writer's INSERT.
CREATE TABLE IF NOT EXISTS batchExecutionLog_default PARTITION OF batchExecutionLog DEFAULT;

-- Every month, ahead of time (a cron job, pg_cron, or by hand), the next month:
--   CREATE TABLE batchExecutionLog_2027_01 PARTITION OF batchExecutionLog
--     FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-02-01 00:00:00+00');
--
-- And the month that retention lets go. A batch whose rows reach into the next month would
-- lose its first rows (and show wrong figures): check first that none does —
--   SELECT COUNT(*) FROM batchExecutionLog_2026_10 o
--   WHERE EXISTS (SELECT 1 FROM batchExecutionLog n
--                 WHERE n.batchId = o.batchId AND n.timestamp >= '2026-11-01 00:00:00+00');
-- — and when it says 0 (else run `pipeline_exporter prune`, which deletes those batches whole,
-- and check again):
--   ALTER TABLE batchExecutionLog DETACH PARTITION batchExecutionLog_2026_10;
--   DROP TABLE batchExecutionLog_2026_10;
-- Delete the month's control requests too:
--   DELETE FROM batchControl WHERE batchId NOT IN (SELECT DISTINCT batchId FROM batchExecutionLog);

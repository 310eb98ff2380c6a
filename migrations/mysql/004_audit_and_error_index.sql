-- pipeline_exporter 004, MySQL 8 / MariaDB 10.5+: where a control request came from (the audit
-- trail), and the index that reading a batch's errors by type needs (/api/batch/{id}/errors of
-- a batch the exporter no longer holds, the log search by type). Optional: without it the
-- exporter works as before, and control rows name who asked but not from where. InnoDB builds
-- the index online (writers are not blocked).
CREATE INDEX batchExecutionLog_batch_type ON batchExecutionLog (batchId, eventType, id);
ALTER TABLE batchControl ADD COLUMN requestedFrom VARCHAR(64) NULL;

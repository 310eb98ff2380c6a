-- pipeline_exporter 004, PostgreSQL 12+: where a control request came from (the audit trail),
-- and the index that reading a batch's errors by type needs (/api/batch/{id}/errors of a batch
-- the exporter no longer holds, the log search by type). Optional: without it the exporter
-- works as before, and control rows name who asked but not from where. On a large, busy table
-- build the index by hand first with CREATE INDEX CONCURRENTLY (outside a transaction) under the
-- same name; this statement then does nothing.
CREATE INDEX IF NOT EXISTS batchExecutionLog_batch_type ON batchExecutionLog (batchId, eventType, id);
ALTER TABLE batchControl ADD COLUMN IF NOT EXISTS requestedFrom VARCHAR(64);

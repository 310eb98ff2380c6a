-- pipeline_exporter 002, SQLite: the batch control table (the exporter writes requests, the
-- pipeline reads them and acknowledges with batch_paused / batch_resumed / batch_canceled)
-- and the sub-stage column. The exporter works on a table created by 001 alone.
CREATE TABLE IF NOT EXISTS batchControl (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  batchId     INTEGER NOT NULL,
  action      VARCHAR(16) NOT NULL,
  requestedBy VARCHAR(128),
  reason      VARCHAR(1024),
  requestedAt TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);
CREATE INDEX IF NOT EXISTS batchControl_batch ON batchControl (batchId, id);
ALTER TABLE batchExecutionLog ADD COLUMN subStage VARCHAR(64);

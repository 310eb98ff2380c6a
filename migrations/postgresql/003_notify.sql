-- pipeline_exporter migration 003, PostgreSQL, optional: wakes the exporter at once.
-- After every INSERT statement into the event table, a trigger NOTIFYs the channel named as
-- the table (lower case); the exporter LISTENs there and reads the new rows at once instead
-- of at its next poll. A notification carries no data: the rows are still read from the
-- table, so a lost notification costs only the wait for the next poll. Without this
-- migration the exporter works as before. Apply after 001, as the table's owner.
CREATE OR REPLACE FUNCTION pipeline_exporter_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_NAME, '');
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS batchExecutionLog_notify ON batchExecutionLog;
CREATE TRIGGER batchExecutionLog_notify AFTER INSERT ON batchExecutionLog
  FOR EACH STATEMENT EXECUTE FUNCTION pipeline_exporter_notify();

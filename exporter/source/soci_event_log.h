#pragma once
// The API's side of one pipeline's event log over SOCI (SQLite, MySQL/MariaDB, PostgreSQL):
// every row-level seam the HTTP handlers and the late join use — a batch's latest run, one
// event, the log search, the events after an id, the run starts below an id, and appending
// rows, and the batch control requests. SQL only selects rows (by id, batch, stage, type, text);
// every figure is the fold's. Every value from a request is bound as a parameter, never spliced
// into the SQL. Sessions come from the pipeline's Database. Thread-safe; borrows the Database;
// non-copyable.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/core/ports/batch_run_reader.h"
#include "exporter/core/ports/control_appender.h"
#include "exporter/core/ports/control_reader.h"
#include "exporter/core/ports/event_appender.h"
#include "exporter/core/ports/event_lookup.h"
#include "exporter/core/ports/events_after_reader.h"
#include "exporter/core/ports/log_search.h"
#include "exporter/core/ports/run_start_lister.h"
#include "exporter/source/database.h"
#include "exporter/source/event_columns.h"

namespace pipeline_exporter {

class SociEventLog final : public BatchRunReader,
                           public EventLookup,
                           public LogSearch,
                           public EventsAfterReader,
                           public RunStartLister,
                           public EventAppender,
                           public ControlAppender,
                           public ControlReader {
 public:
  // `control_table`: the batch control table (migration 002).
  explicit SociEventLog(Database& db, std::string control_table = "batchControl");
  SociEventLog(const SociEventLog&) = delete;
  SociEventLog& operator=(const SociEventLog&) = delete;

  std::vector<StageEvent> ReadRun(const RunPage& page) override;
  std::optional<StageEvent> FindEvent(std::int64_t id) override;
  LogPage Search(const LogFilter& filter) override;
  std::vector<StageEvent> ReadAfter(std::int64_t after_id, std::size_t limit) override;
  std::vector<StageEvent> ListRunStarts(std::int64_t before_id, std::size_t limit) override;
  std::vector<std::int64_t> Append(const std::vector<StageEvent>& rows) override;
  ControlRequest AppendControl(const ControlRequest& request) override;
  std::vector<ControlRequest> ReadControlAfter(std::int64_t after_id, std::size_t limit) override;

  // The largest batchId in the table, 0 when empty (the demo continues after it).
  std::int64_t MaxBatchId();

 private:
  // SELECT the list columns FROM the table, then `where_order_limit` with :id and :lim bound.
  std::vector<StageEvent> SelectList(const std::string& where_order_limit, std::int64_t id,
                                     std::size_t limit);

  // The event columns and the INSERT, with or without subStage as the session found the
  // table (call inside Database::Run, after the session is open).
  std::string Columns(RowShape shape) const;
  std::string InsertSql() const;

  Database& db_;
  // Whether the control table has migration 004's requestedFrom: asked once, and again on
  // every append while it has not (an operator may apply 004 while the exporter runs).
  bool HasRequestedFrom(soci::session& sql, bool ask_again);
  std::string ControlColumns(bool requested_from) const;

  std::string control_table_;
  std::string control_columns_;
  static constexpr int kUnknown = 0, kYes = 1, kNo = 2;
  std::atomic<int> requested_from_{kUnknown};
};

}  // namespace pipeline_exporter

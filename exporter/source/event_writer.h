#pragma once
// Inserts EventRows into the event log, all-or-nothing in one transaction, and returns
// their ids. One session, opened lazily and reopened after a failure. Not thread-safe;
// owns its session; non-copyable.

#include <memory>
#include <string>
#include <vector>

#include "exporter/source/event_row.h"
#include "exporter/source/sql_dialect.h"

namespace soci {
class session;
}

namespace pipeline_exporter {

class EventWriter {
 public:
  EventWriter(std::string connect_string, std::string table);
  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Throws std::exception on failure, after rolling back.
  std::vector<std::int64_t> Insert(const std::vector<EventRow>& rows);

  // The largest batchId in the table, 0 when empty.
  std::int64_t MaxBatchId();

 private:
  soci::session& Session();

  std::string connect_string_;
  std::string table_;
  SqlDialect dialect_;
  std::string insert_sql_;
  std::unique_ptr<soci::session> session_;
};

}  // namespace pipeline_exporter

#pragma once
// The read queries behind the JSON API and the SSE resume: batch history, a batch's events
// (for its stats), the event log with filters and keyset pagination, error groups, one event
// with its payloads, and the events after an id. Every value from a request is bound as a
// parameter, never spliced into the SQL. One session per object, guarded by a mutex (the
// HTTP server calls from many threads) and reopened after a failure. Non-copyable.
// Failures are thrown as std::exception.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "exporter/core/stage_event.h"
#include "exporter/source/sql_dialect.h"

namespace soci {
class session;
}

namespace pipeline_exporter {

// An event as the log shows it: the tail's columns plus the error message (capped).
struct LogRow {
  StageEvent event;
  std::optional<std::string> error_message;
};

struct CappedText {
  std::string text;
  std::size_t length = 0;  // full length in the database, in characters
  bool truncated = false;
};

// One event with its payloads, each cut to the cap.
struct FullEvent {
  LogRow row;
  std::optional<CappedText> request_payload;
  std::optional<CappedText> response;
  std::optional<CappedText> error_message;
};

struct BatchSummary {
  std::int64_t batch_id = 0;
  std::int64_t first_event_id = 0;
  std::int64_t start_ms = 0;
  std::int64_t last_event_ms = 0;
  std::int64_t events = 0;
  std::int64_t files_completed = 0;  // file_complete events
  std::int64_t errors = 0;
  std::optional<std::int64_t> total_files;  // from batch_start
  std::string status;                       // running | complete | failed
};

struct LogFilter {
  std::int64_t batch_id = 0;
  std::optional<std::string> stage;
  std::optional<std::string> event_type;
  std::optional<std::string> search;  // substring of fileName or errorMessage, any case
  std::optional<std::int64_t> before_id;
  std::size_t limit = 100;
};

struct ErrorRow {
  std::string stage;
  std::string message;
  std::int64_t count = 0;
  std::int64_t first_ms = 0;
  std::int64_t last_ms = 0;
  std::int64_t sample_id = 0;
};

class EventQueries {
 public:
  EventQueries(std::string connect_string, std::string table);
  ~EventQueries();
  EventQueries(const EventQueries&) = delete;
  EventQueries& operator=(const EventQueries&) = delete;

  // Newest first; `before` is a batch id (keyset pagination).
  std::vector<BatchSummary> Batches(std::optional<std::int64_t> before, std::size_t limit);
  // Every event of a batch in id order, as the tail reads them.
  std::vector<StageEvent> BatchEvents(std::int64_t batch_id);
  // Newest first.
  std::vector<LogRow> Logs(const LogFilter& filter);
  // Error events of a batch grouped by stage and exact message.
  std::vector<ErrorRow> Errors(std::int64_t batch_id);
  std::optional<FullEvent> Event(std::int64_t id, std::size_t cap);
  // Every event of a batch with payloads, in id order.
  std::vector<FullEvent> ExportBatch(std::int64_t batch_id, std::size_t cap);
  // Events with id > after_id in id order, at most `limit` (the SSE resume).
  std::vector<LogRow> EventsAfter(std::int64_t after_id, std::size_t limit);

 private:
  template <typename F>
  auto Locked(F&& f);

  std::string connect_string_;
  std::string table_;
  SqlDialect dialect_;
  std::string columns_;  // the LogRow columns
  std::mutex mu_;
  std::unique_ptr<soci::session> session_;
};

}  // namespace pipeline_exporter

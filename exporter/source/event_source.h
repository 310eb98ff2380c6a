#pragma once
// The seam between the tail and a database: read the events after an id (plus a few
// earlier ids the tail is still waiting for), in id order.
// Implementations: SociEventSource (SQLite, MySQL, PostgreSQL), FakeEventSource in tests.
// An implementation is used from one thread at a time (the Tailer's); failures are thrown
// as std::exception with a message fit for a log line.

#include <cstdint>
#include <optional>
#include <vector>

#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

struct FetchResult {
  std::vector<StageEvent> events;         // ascending id, at most `limit`
  std::optional<std::int64_t> db_now_ms;  // the database's clock, for the lag and gaps
  std::optional<std::int64_t> max_id;     // MAX(id) of the table, 0 when empty
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Rows with id > after_id or id in `also_ids` (ascending, few), at most `limit`, into
  // `out` (its events cleared first; their capacity is reused, so a caller that reads page
  // after page keeps one buffer).
  virtual void FetchInto(std::int64_t after_id, const std::vector<std::int64_t>& also_ids,
                         std::size_t limit, FetchResult& out) = 0;

  FetchResult FetchAfter(std::int64_t after_id, const std::vector<std::int64_t>& also_ids,
                         std::size_t limit) {
    FetchResult result;
    FetchInto(after_id, also_ids, limit, result);
    return result;
  }
};

}  // namespace pipeline_exporter

#pragma once
// Seam: a batch's events newest first, selected by stage, type and text (the event log, the
// error groups), keyset-paged by id; a search can be bounded to a number of rows scanned, so
// its cost does not grow with the batch. Rows only — no figures. Implementations: SociEventLog
// (exporter/source), FakeEventLog (tests). Thread-safe; failures are thrown as std::exception.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

struct LogFilter {
  std::int64_t batch_id = 0;
  std::optional<std::string> stage;
  std::vector<std::string> event_types;  // any of them; empty: every type
  std::optional<std::string> search;     // substring of fileName or errorMessage, any case
  std::optional<std::int64_t> before_id;
  std::size_t limit = 100;
  // With a type or text filter (which no index answers), look at no more than the newest
  // `max_scan` rows of the batch (and stage) below before_id; 0: no bound.
  std::size_t max_scan = 0;
};

struct LogPage {
  std::vector<StageEvent> events;  // newest first, at most `limit`
  // Set when the scan stopped at `max_scan` rows: the lowest id looked at. Rows below it were
  // not; a further search goes on with before_id = scanned_from.
  std::optional<std::int64_t> scanned_from;
};

class LogSearch {
 public:
  virtual ~LogSearch() = default;
  virtual LogPage Search(const LogFilter& filter) = 0;
};

}  // namespace pipeline_exporter

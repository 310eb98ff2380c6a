#pragma once
// Seam: a batch's events newest first, selected by stage, type and text (the event log, the
// error groups). Rows only — no figures. Implementations: SociEventLog (exporter/source),
// FakeEventLog (tests). Thread-safe; failures are thrown as std::exception.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/core/stage_event.h"

namespace pipeline_exporter {

struct LogFilter {
  std::int64_t batch_id = 0;
  std::optional<std::string> stage;
  std::vector<std::string> event_types;  // any of them; empty: every type
  std::optional<std::string> search;     // substring of fileName or errorMessage, any case
  std::optional<std::int64_t> before_id;
  std::size_t limit = 100;
};

class LogSearch {
 public:
  virtual ~LogSearch() = default;
  virtual std::vector<StageEvent> Search(const LogFilter& filter) = 0;
};

}  // namespace pipeline_exporter

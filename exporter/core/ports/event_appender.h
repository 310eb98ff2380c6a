#pragma once
// Seam: appends rows to the event log all-or-nothing and returns their ids (ingest, the
// demo). The database gives ids and timestamps; payloads are written whole.
// Implementations: SociEventLog (exporter/source), FakeEventLog (tests).
// Thread-safe; failures are thrown as std::exception after rolling back.

#include <cstdint>
#include <vector>

#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

class EventAppender {
 public:
  virtual ~EventAppender() = default;
  virtual std::vector<std::int64_t> Append(const std::vector<StageEvent>& rows) = 0;
};

}  // namespace pipeline_exporter

#pragma once
// Seam: one event with its payloads, each cut to the payload cap (GET /api/events/{id}).
// Implementations: SociEventLog (exporter/source), FakeEventLog (tests).
// Thread-safe; failures are thrown as std::exception.

#include <cstdint>
#include <optional>

#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

class EventLookup {
 public:
  virtual ~EventLookup() = default;
  virtual std::optional<StageEvent> FindEvent(std::int64_t id) = 0;
};

}  // namespace pipeline_exporter

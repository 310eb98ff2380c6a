#pragma once
// Seam: the events after an id, in id order, at most `limit` (a stream's Last-Event-ID
// resume). Implementations: SociEventLog (exporter/source), FakeEventLog (tests).
// Thread-safe; failures are thrown as std::exception.

#include <cstdint>
#include <vector>

#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

class EventsAfterReader {
 public:
  virtual ~EventsAfterReader() = default;
  virtual std::vector<StageEvent> ReadAfter(std::int64_t after_id, std::size_t limit) = 0;
};

}  // namespace pipeline_exporter

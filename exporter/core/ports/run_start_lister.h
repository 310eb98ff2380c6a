#pragma once
// Seam: the rows that can begin a run — batch_start rows and each batch's first row — below
// an id, newest first (the batch history past what the fold holds: each is a candidate run
// start to fold). Implementations: SociEventLog (exporter/source),
// FakeEventLog (tests). Thread-safe; failures are thrown as std::exception.

#include <cstdint>
#include <vector>

#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

class RunStartLister {
 public:
  virtual ~RunStartLister() = default;
  // Such rows with id < before_id, newest first, at most `limit`.
  virtual std::vector<StageEvent> ListRunStarts(std::int64_t before_id, std::size_t limit) = 0;
};

}  // namespace pipeline_exporter

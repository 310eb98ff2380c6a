#pragma once
// Seam: the rows of one batch's latest run (SPEC §3), in id order, a page at a time — what
// a batch's stats, its export and the late join fold. SQL only selects the rows; the fold
// derives every figure. Implementations: SociEventLog (exporter/source), FakeEventLog (tests).
// Thread-safe; failures are thrown as std::exception.

#include <cstdint>
#include <vector>

#include "exporter/core/fold/run_page.h"
#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

class BatchRunReader {
 public:
  virtual ~BatchRunReader() = default;
  // Rows of the batch's latest run (as it stands below before_id) with id > after_id.
  virtual std::vector<StageEvent> ReadRun(const RunPage& page) = 0;
};

}  // namespace pipeline_exporter

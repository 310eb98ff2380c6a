#pragma once
// Seam: the rows of one batch's latest run (SPEC §3), in id order, a page at a time — what
// a batch's stats, its export and the late join fold. SQL only selects the rows; the fold
// derives every figure. Implementations: SociEventLog (exporter/source), FakeEventLog (tests).
// Thread-safe; failures are thrown as std::exception.

#include <cstdint>
#include <vector>

#include "exporter/core/stage_event.h"

namespace pipeline_exporter {

struct RunPage {
  std::int64_t batch_id = 0;
  std::int64_t after_id = 0;   // 0: from the first row of the latest run
  std::int64_t before_id = 0;  // 0: no upper bound; else only rows with id < before_id
  std::size_t limit = 10000;
  bool payloads = false;  // read the payload columns too (export)
};

class BatchRunReader {
 public:
  virtual ~BatchRunReader() = default;
  // Rows of the batch's latest run (as it stands below before_id) with id > after_id.
  virtual std::vector<StageEvent> ReadRun(const RunPage& page) = 0;
};

}  // namespace pipeline_exporter

#pragma once
// Which rows of one batch's latest run to read next (SPEC §3): the page a BatchRunReader
// (core/ports) answers and FoldBatchRun asks for. Plain value struct.

#include <cstddef>
#include <cstdint>

namespace pipeline_exporter {

struct RunPage {
  std::int64_t batch_id = 0;
  std::int64_t after_id = 0;   // 0: from the first row of the latest run
  std::int64_t before_id = 0;  // 0: no upper bound; else only rows with id < before_id
  std::size_t limit = 10000;
  bool payloads = false;  // read the payload columns too (export)
};

}  // namespace pipeline_exporter

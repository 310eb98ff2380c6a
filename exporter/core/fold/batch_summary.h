#pragma once
// One line of the batch history (SPEC §5 GET /api/batches): the latest run of a batch as the
// fold derived it, with per-stage figures. Plain value structs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/core/fold/stage_status.h"

namespace pipeline_exporter {

struct StageSummary {
  std::string id;
  StageStatus status = StageStatus::kPending;
  std::int64_t processed = 0;
  std::int64_t failed = 0;
};

struct BatchSummary {
  std::int64_t id = 0;
  std::int64_t run_start_id = 0;  // the history's order and cursor
  BatchStatus status = BatchStatus::kRunning;
  std::int64_t start_ms = 0;
  std::optional<std::int64_t> end_ms;
  double duration_seconds = 0;        // to the end, or to now while running
  std::optional<std::int64_t> files;  // batch_start's total, else the largest stage total
  std::int64_t files_processed = 0;   // sum of the stages' processed
  std::int64_t files_failed = 0;      // sum of the stages' failed
  std::vector<StageSummary> stages;   // stages the run has touched, catalog order
};

}  // namespace pipeline_exporter

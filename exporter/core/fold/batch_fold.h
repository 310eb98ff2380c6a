#pragma once
// Folds one batch's latest run from its rows with the same PipelineState the tail feeds, so
// a batch the store no longer holds (or never held) shows the figures the rules give — the
// stats, history and export of old batches. Rows are read a page at a time.
// Pure: the rows come from `read` (a BatchRunReader's ReadRun, in exporter/http); not
// thread-safe by itself.

#include <cstdint>
#include <functional>
#include <vector>

#include "exporter/core/fold/pipeline_spec.h"
#include "exporter/core/fold/pipeline_state.h"
#include "exporter/core/fold/run_page.h"
#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

// The state after every row of the batch's latest run; the batch is absent from it when
// the log has no row of it.
using RunPageReader = std::function<std::vector<StageEvent>(const RunPage&)>;
PipelineState FoldBatchRun(const PipelineSpec& spec, const RunPageReader& read,
                           std::int64_t batch_id);

}  // namespace pipeline_exporter

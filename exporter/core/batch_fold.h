#pragma once
// Folds one batch's latest run from its rows with the same PipelineState the tail feeds, so
// a batch the store no longer holds (or never held) shows the figures the rules give — the
// stats, history and export of old batches. Rows are read a page at a time.
// Pure but for the reader it calls; not thread-safe by itself.

#include <cstdint>

#include "exporter/core/batch_run_reader.h"
#include "exporter/core/pipeline_spec.h"
#include "exporter/core/pipeline_state.h"

namespace pipeline_exporter {

// The state after every row of the batch's latest run; the batch is absent from it when
// the log has no row of it.
PipelineState FoldBatchRun(const PipelineSpec& spec, BatchRunReader& runs, std::int64_t batch_id);

}  // namespace pipeline_exporter

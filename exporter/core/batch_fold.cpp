#include "exporter/core/batch_fold.h"

namespace pipeline_exporter {

PipelineState FoldBatchRun(const PipelineSpec& spec, BatchRunReader& runs, std::int64_t batch_id) {
  PipelineState state(spec);
  RunPage page;
  page.batch_id = batch_id;
  for (;;) {
    const std::vector<StageEvent> rows = runs.ReadRun(page);
    for (const StageEvent& e : rows) state.Apply(e);
    if (rows.size() < page.limit) break;
    page.after_id = rows.back().id;
  }
  return state;
}

}  // namespace pipeline_exporter

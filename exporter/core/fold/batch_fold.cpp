#include "exporter/core/fold/batch_fold.h"

namespace pipeline_exporter {

PipelineState FoldBatchRun(const PipelineSpec& spec, const RunPageReader& read,
                           std::int64_t batch_id) {
  PipelineState state(spec);
  RunPage page;
  page.batch_id = batch_id;
  for (;;) {
    const std::vector<StageEvent> rows = read(page);
    for (const StageEvent& e : rows) state.Apply(e);
    if (rows.size() < page.limit) break;
    page.after_id = rows.back().id;
  }
  return state;
}

}  // namespace pipeline_exporter

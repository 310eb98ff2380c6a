#include "exporter/core/fold/prune_plan.h"

#include <algorithm>

namespace pipeline_exporter {

bool BatchEnded(const BatchFacts& b) {
  // The latest run begins at the newest batch_start (or the first row, without one); an outcome
  // written before it belongs to an earlier run.
  return b.last_outcome > 0 && b.last_outcome > b.last_start;
}

PrunePlan PlanPrune(std::vector<BatchFacts> batches, const PrunePolicy& policy,
                    std::int64_t now_ms) {
  std::sort(batches.begin(), batches.end(),
            [](const BatchFacts& a, const BatchFacts& b) { return a.last_id > b.last_id; });
  PrunePlan plan;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    const BatchFacts& b = batches[i];
    const bool ended = BatchEnded(b);
    if (i < policy.keep_batches) {
      ++plan.kept_recent;
    } else if (!ended && b.last_paused > b.last_resumed && b.last_paused > b.last_start) {
      ++plan.kept_paused;
    } else if (!ended && now_ms - b.last_ms < policy.stall_after_ms) {
      ++plan.kept_running;
    } else if (policy.older_than_ms && now_ms - b.last_ms < *policy.older_than_ms) {
      ++plan.kept_young;
    } else {
      plan.rows += b.rows;
      plan.prune.push_back(b);
    }
  }
  std::reverse(plan.prune.begin(), plan.prune.end());
  return plan;
}

}  // namespace pipeline_exporter

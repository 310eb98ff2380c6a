#pragma once
// Retention in the running exporter: every `interval` (the first round `first_delay` after
// Start), prunes each pipeline with its SociPruner — the code `pipeline_exporter prune` runs —
// and reports pipeline_exporter_pruned_rows_total and the rest (RetentionMetrics). A failed
// prune is logged and counted; it never touches the tail (the pruner uses request sessions).
// Owns its thread; borrows the pruners and the metrics. Start/Stop from one controlling
// thread; Stop ends a round between two transactions.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "exporter/core/exposition/retention_metrics.h"
#include "exporter/source/soci_pruner.h"
#include "exporter/source/stoppable_thread.h"
#include "exporter/util/clock.h"

namespace pipeline_exporter {

class RetentionWorker {
 public:
  struct Target {
    std::string pipeline;
    SociPruner* pruner;
  };

  RetentionWorker(std::vector<Target> targets, PruneOptions options, std::int64_t interval_ms,
                  std::int64_t first_delay_ms, RetentionMetrics& metrics, const Clock& clock);
  ~RetentionWorker() { Stop(); }

  void Start();
  void Stop() { thread_.Stop(); }

  // One round over every pipeline, as the thread runs it.
  void RunOnce(const std::function<bool()>& stop);

 private:
  std::vector<Target> targets_;
  PruneOptions options_;
  std::int64_t interval_ms_;
  std::int64_t first_delay_ms_;
  RetentionMetrics& metrics_;
  const Clock& clock_;
  StoppableThread thread_;
};

}  // namespace pipeline_exporter

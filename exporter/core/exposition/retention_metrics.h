#pragma once
// The scheduled prune's figures (retention), per pipeline: pipeline_exporter_pruned_rows_total,
// pipeline_exporter_pruned_batches_total, pipeline_exporter_prune_runs_total{result},
// pipeline_exporter_prune_duration_seconds (the latest run) and
// pipeline_exporter_last_prune_success_timestamp_seconds (0 before the first). Shown only for
// the pipelines registered (retention on). Thread-safe (one mutex); a Collectable.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace pipeline_exporter {

class RetentionMetrics final : public prometheus::Collectable {
 public:
  void Register(const std::string& pipeline);
  void Succeeded(const std::string& pipeline, std::int64_t batches, std::int64_t rows,
                 double seconds, std::int64_t now_ms);
  void Failed(const std::string& pipeline, double seconds);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Figures {
    std::uint64_t rows = 0;
    std::uint64_t batches = 0;
    std::uint64_t successes = 0;
    std::uint64_t failures = 0;
    double last_seconds = 0;
    double last_success_seconds = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Figures> pipelines_;
};

}  // namespace pipeline_exporter

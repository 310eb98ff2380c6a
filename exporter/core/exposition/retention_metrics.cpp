#include "exporter/core/exposition/retention_metrics.h"

#include "exporter/core/exposition/metric_family_builder.h"

namespace pipeline_exporter {

void RetentionMetrics::Register(const std::string& pipeline) {
  std::lock_guard lock(mu_);
  pipelines_[pipeline];
}

void RetentionMetrics::Succeeded(const std::string& pipeline, std::int64_t batches,
                                 std::int64_t rows, double seconds, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  Figures& f = pipelines_[pipeline];
  f.rows += static_cast<std::uint64_t>(rows);
  f.batches += static_cast<std::uint64_t>(batches);
  ++f.successes;
  f.last_seconds = seconds;
  f.last_success_seconds = static_cast<double>(now_ms) / 1000.0;
}

void RetentionMetrics::Failed(const std::string& pipeline, double seconds) {
  std::lock_guard lock(mu_);
  Figures& f = pipelines_[pipeline];
  ++f.failures;
  f.last_seconds = seconds;
}

std::vector<prometheus::MetricFamily> RetentionMetrics::Collect() const {
  std::lock_guard lock(mu_);
  using prometheus::MetricType;
  auto rows = MakeFamily("pipeline_exporter_pruned_rows_total",
                         "Rows of the event table deleted by retention.", MetricType::Counter);
  auto batches = MakeFamily("pipeline_exporter_pruned_batches_total",
                            "Batches deleted whole by retention.", MetricType::Counter);
  auto runs = MakeFamily("pipeline_exporter_prune_runs_total",
                         "Scheduled prunes by result (success, failure).", MetricType::Counter);
  auto duration = MakeFamily("pipeline_exporter_prune_duration_seconds",
                             "How long the latest scheduled prune took.", MetricType::Gauge);
  auto last = MakeFamily("pipeline_exporter_last_prune_success_timestamp_seconds",
                         "Unix time of the latest successful prune (0 before the first).",
                         MetricType::Gauge);
  for (const auto& [name, f] : pipelines_) {
    AddCounter(rows, {{"pipeline", name}}, static_cast<double>(f.rows));
    AddCounter(batches, {{"pipeline", name}}, static_cast<double>(f.batches));
    AddCounter(runs, {{"pipeline", name}, {"result", "success"}}, static_cast<double>(f.successes));
    AddCounter(runs, {{"pipeline", name}, {"result", "failure"}}, static_cast<double>(f.failures));
    AddGauge(duration, {{"pipeline", name}}, f.last_seconds);
    AddGauge(last, {{"pipeline", name}}, f.last_success_seconds);
  }
  std::vector<prometheus::MetricFamily> out;
  if (pipelines_.empty()) return out;
  out.push_back(std::move(rows));
  out.push_back(std::move(batches));
  out.push_back(std::move(runs));
  out.push_back(std::move(duration));
  out.push_back(std::move(last));
  return out;
}

}  // namespace pipeline_exporter

#pragma once
// The source behind /metrics for pipelines: on every Expose() (or Collect()) it takes one
// snapshot per store and renders every pipeline_* and pipeline_exporter_* family of SPEC §4
// from it, with the fold's exemplars on pipeline_files_completed_total,
// pipeline_files_failed_total and pipeline_file_duration_seconds (never on a gauge).
// Nothing is cached between scrapes and nothing touches a database.
// Thread-safe. The stores are borrowed and must outlive the collector.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

#include "exporter/core/exposition/exposition.h"
#include "exporter/core/fold/pipeline_snapshot.h"
#include "exporter/core/fold/pipeline_store.h"

namespace pipeline_exporter {

class PipelineCollector final : public prometheus::Collectable, public ExpositionSource {
 public:
  explicit PipelineCollector(std::vector<const PipelineStore*> stores)
      : stores_(std::move(stores)) {}

  // The families without exemplars.
  std::vector<prometheus::MetricFamily> Collect() const override;
  Exposition Expose() const override;

  // The rendering itself, for tests with hand-made snapshots.
  static Exposition RenderExposition(const std::vector<PipelineSnapshot>& pipelines);
  static std::vector<prometheus::MetricFamily> Render(
      const std::vector<PipelineSnapshot>& pipelines) {
    return RenderExposition(pipelines).families;
  }

 private:
  std::vector<PipelineSnapshot> Snapshots() const;

  std::vector<const PipelineStore*> stores_;
};

}  // namespace pipeline_exporter

#pragma once
// The prometheus::Collectable behind /metrics for pipelines: on every Collect() it takes
// one snapshot per store and renders every pipeline_* and pipeline_exporter_* family
// of SPEC §4 from it. Nothing is cached between scrapes and nothing touches a database.
// Thread-safe. The stores are borrowed and must outlive the collector.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

#include "exporter/core/pipeline_snapshot.h"
#include "exporter/core/pipeline_store.h"

namespace pipeline_exporter {

class PipelineCollector final : public prometheus::Collectable {
 public:
  explicit PipelineCollector(std::vector<const PipelineStore*> stores)
      : stores_(std::move(stores)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

  // The rendering itself, for tests with hand-made snapshots.
  static std::vector<prometheus::MetricFamily> Render(
      const std::vector<PipelineSnapshot>& pipelines);

 private:
  std::vector<const PipelineStore*> stores_;
};

}  // namespace pipeline_exporter

#include "exporter/core/exposition/build_info_collector.h"

#include "exporter/core/exposition/metric_family_builder.h"

namespace pipeline_exporter {

std::vector<prometheus::MetricFamily> BuildInfoCollector::Collect() const {
  auto f = MakeFamily("pipeline_exporter_build_info",
                      "Always 1: the version and revision of the running pipeline_exporter.",
                      prometheus::MetricType::Gauge);
  AddGauge(f, {{"version", version_}, {"revision", revision_}}, 1);
  return {std::move(f)};
}

}  // namespace pipeline_exporter

#include "exporter/http/sse_clients_collector.h"

#include "exporter/core/exposition/metric_family_builder.h"

namespace pipeline_exporter {

std::vector<prometheus::MetricFamily> SseClientsCollector::Collect() const {
  auto f = MakeFamily("pipeline_exporter_sse_clients", "Open Server-Sent-Events streams.",
                      prometheus::MetricType::Gauge);
  AddGauge(f, {}, static_cast<double>(clients_.load()));
  return {std::move(f)};
}

}  // namespace pipeline_exporter

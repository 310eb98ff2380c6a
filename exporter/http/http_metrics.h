#pragma once
// The server's own request metrics (SPEC §4), as node_exporter's promhttp and
// prometheus-cpp's exposer keep them: pipeline_exporter_http_requests_total{handler, code}
// and pipeline_exporter_http_request_duration_seconds{handler} (streams count, their
// duration is not observed). `handler` is the route's name, a closed set. Also
// pipeline_exporter_http_cross_origin_refused_total{reason}: requests the cross-origin rule
// refused (every reason shown from 0).
// Thread-safe (one mutex); a Collectable.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/core/fold/histogram_data.h"

namespace pipeline_exporter {

class HttpMetrics final : public prometheus::Collectable {
 public:
  HttpMetrics();

  // One finished request; `seconds` < 0 for a stream (counted only).
  void Observe(std::string_view handler, int code, double seconds);
  // One request refused by the cross-origin rule (CrossOriginRefusalName).
  void ObserveRefusal(std::string_view reason);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, HistogramData, std::less<>> durations_;
  std::map<std::string, std::uint64_t, std::less<>> refusals_;
};

}  // namespace pipeline_exporter

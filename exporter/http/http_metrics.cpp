#include "exporter/http/http_metrics.h"

#include "exporter/core/exposition/metric_family_builder.h"
#include "exporter/http/cross_origin.h"

namespace pipeline_exporter {
namespace {

std::vector<double> DurationBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace

HttpMetrics::HttpMetrics() {
  for (const auto r : {CrossOriginRefusal::kSecFetchSite, CrossOriginRefusal::kOrigin,
                       CrossOriginRefusal::kContentType}) {
    refusals_[std::string(CrossOriginRefusalName(r))] = 0;
  }
}

void HttpMetrics::ObserveRefusal(std::string_view reason) {
  std::lock_guard lock(mu_);
  auto it = refusals_.find(reason);
  if (it == refusals_.end()) it = refusals_.emplace(std::string(reason), 0).first;
  ++it->second;
}

void HttpMetrics::Observe(std::string_view handler, int code, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(handler), code}];
  if (seconds < 0) return;
  auto it = durations_.find(handler);
  if (it == durations_.end()) {
    it = durations_.emplace(std::string(handler), HistogramData(DurationBuckets())).first;
  }
  it->second.Observe(seconds);
}

std::vector<prometheus::MetricFamily> HttpMetrics::Collect() const {
  std::lock_guard lock(mu_);
  prometheus::MetricFamily requests = MakeFamily(
      "pipeline_exporter_http_requests_total",
      "HTTP requests answered, by handler and status code.", prometheus::MetricType::Counter);
  for (const auto& [key, n] : requests_) {
    AddCounter(requests, {{"handler", key.first}, {"code", std::to_string(key.second)}},
               static_cast<double>(n));
  }
  prometheus::MetricFamily durations =
      MakeFamily("pipeline_exporter_http_request_duration_seconds",
                 "Time to answer an HTTP request, by handler (streams excluded).",
                 prometheus::MetricType::Histogram);
  for (const auto& [handler, h] : durations_) AddHistogram(durations, {{"handler", handler}}, h);
  prometheus::MetricFamily refused =
      MakeFamily("pipeline_exporter_http_cross_origin_refused_total",
                 "Requests that would change something refused as cross-origin (403) or for their "
                 "Content-Type (415), by reason.",
                 prometheus::MetricType::Counter);
  for (const auto& [reason, n] : refusals_) {
    AddCounter(refused, {{"reason", reason}}, static_cast<double>(n));
  }
  std::vector<prometheus::MetricFamily> out;
  out.push_back(std::move(requests));
  out.push_back(std::move(durations));
  out.push_back(std::move(refused));
  return out;
}

}  // namespace pipeline_exporter

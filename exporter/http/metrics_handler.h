#pragma once
// GET <telemetry path>: every registered source, collected at request time and serialised
// as OpenMetrics 1.0 with exemplars when the Accept header prefers
// application/openmetrics-text (as Prometheus does by default), otherwise in the text
// format 0.0.4 (byte-for-byte as without exemplars); gzipped when the client accepts it.
// Never touches a database. Thread-safe; borrows the sources, which must outlive it.

#include <atomic>
#include <string_view>
#include <vector>

#include "exporter/core/exposition/exposition.h"
#include "exporter/http/http_types.h"

namespace pipeline_exporter {

enum class MetricsFormat { kText004, kOpenMetrics };

class MetricsHandler {
 public:
  explicit MetricsHandler(std::vector<const ExpositionSource*> sources)
      : sources_(std::move(sources)) {}

  HttpResponse operator()(const HttpRequest& request) const;

  // The uncompressed exposition (for tests and the golden file).
  std::string Render(MetricsFormat format = MetricsFormat::kText004) const;

  // The format an Accept header asks for: OpenMetrics when application/openmetrics-text
  // (version 1.0.0, 0.0.1 or none) has a q above 0 and at least that of text/plain.
  static MetricsFormat Negotiate(std::string_view accept);

 private:
  std::vector<const ExpositionSource*> sources_;
  mutable std::atomic<std::size_t> last_size_{0};
};

}  // namespace pipeline_exporter

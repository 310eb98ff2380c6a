#pragma once
// GET <telemetry path>: every registered Collectable, collected at request time and
// serialised in the Prometheus text format 0.0.4, gzipped when the client accepts it.
// Never touches a database. Thread-safe; borrows the collectables, which must outlive it.

#include <prometheus/collectable.h>

#include <atomic>
#include <vector>

#include "exporter/http/http_types.h"

namespace pipeline_exporter {

class MetricsHandler {
 public:
  explicit MetricsHandler(std::vector<const prometheus::Collectable*> collectables)
      : collectables_(std::move(collectables)) {}

  HttpResponse operator()(const HttpRequest& request) const;

  // The uncompressed exposition text (for tests and the golden file).
  std::string Render() const;

 private:
  std::vector<const prometheus::Collectable*> collectables_;
  mutable std::atomic<std::size_t> last_size_{0};
};

}  // namespace pipeline_exporter

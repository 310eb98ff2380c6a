#pragma once
// GET /api/health (SPEC §5): each pipeline's database state from the last poll; 200 when
// at least one database is reachable ("degraded" unless all are), 503 when none is.
// Thread-safe; borrows the stores.

#include <vector>

#include "exporter/core/pipeline_store.h"
#include "exporter/http/http_types.h"

namespace pipeline_exporter {

class HealthHandler {
 public:
  explicit HealthHandler(std::vector<const PipelineStore*> stores) : stores_(std::move(stores)) {}
  HttpResponse operator()(const HttpRequest& request) const;

 private:
  std::vector<const PipelineStore*> stores_;
};

}  // namespace pipeline_exporter

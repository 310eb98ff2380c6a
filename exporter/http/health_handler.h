#pragma once
// GET /api/health (SPEC §5): each pipeline's database state from the last poll; 200 when
// at least one database is reachable ("degraded" unless all are), 503 when none is.
// GET /-/healthy and /-/ready: the probes of a process supervisor (Kubernetes), answered
// without credentials and naming nothing: healthy while the process serves; ready once
// every pipeline has finished its first poll (its replay), whether or not it succeeded —
// a database that is down is an alert, not a reason to take the page away.
// Thread-safe; borrows the stores.

#include <vector>

#include "exporter/core/fold/pipeline_store.h"
#include "exporter/http/http_types.h"

namespace pipeline_exporter {

class HealthHandler {
 public:
  explicit HealthHandler(std::vector<const PipelineStore*> stores) : stores_(std::move(stores)) {}
  HttpResponse operator()(const HttpRequest& request) const;
  HttpResponse Healthy(const HttpRequest& request) const;
  HttpResponse Ready(const HttpRequest& request) const;

 private:
  std::vector<const PipelineStore*> stores_;
};

}  // namespace pipeline_exporter

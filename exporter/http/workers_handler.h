#pragma once
// GET /api/workers?pipeline=P (SPEC §5): every worker (gpuIp) of every stage with its figures
// in the current batch and since start — files completed and failed, failure ratio, files per
// second over the ETA window, median file duration, last seen — and whether it has gone
// silent while its stage is processing; all from the fold (PipelineStore::Workers), so the
// answer costs the same whatever the table holds. At most max_workers workers per pipeline
// (the rest as "other"). Thread-safe; borrows the registry.

#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"

namespace pipeline_exporter {

class WorkersHandler {
 public:
  explicit WorkersHandler(const PipelineRegistry& registry) : registry_(registry) {}
  HttpResponse Get(const HttpRequest& request) const;

 private:
  const PipelineRegistry& registry_;
};

}  // namespace pipeline_exporter

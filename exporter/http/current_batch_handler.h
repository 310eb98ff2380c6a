#pragma once
// GET /api/current-batch (SPEC §5): the current batch's latest run and every stage, from the
// fold — the same JSON as the stream's snapshot. Thread-safe; borrows the registry.

#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"

namespace pipeline_exporter {

class CurrentBatchHandler {
 public:
  explicit CurrentBatchHandler(const PipelineRegistry& registry) : registry_(registry) {}
  HttpResponse Get(const HttpRequest& request) const;

 private:
  const PipelineRegistry& registry_;
};

}  // namespace pipeline_exporter

#pragma once
// GET /api/events/{id} (SPEC §5): one event with its payloads, each capped and flagged when
// cut. Thread-safe; borrows the registry.

#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"

namespace pipeline_exporter {

class EventHandler {
 public:
  explicit EventHandler(const PipelineRegistry& registry) : registry_(registry) {}
  HttpResponse Get(const HttpRequest& request) const;

 private:
  const PipelineRegistry& registry_;
};

}  // namespace pipeline_exporter

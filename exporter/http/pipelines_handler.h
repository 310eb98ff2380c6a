#pragma once
// GET /api/pipelines (SPEC §5): the pipelines, their stages in order, and which features
// are on. Thread-safe; borrows the registry.

#include <string>

#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"

namespace pipeline_exporter {

struct PipelinesInfo {
  std::string grafana_url;
  bool ingest = false;
  bool control = false;
  bool alerts = false;  // web.alertmanager_url is set
};

class PipelinesHandler {
 public:
  PipelinesHandler(const PipelineRegistry& registry, PipelinesInfo info)
      : registry_(registry), info_(std::move(info)) {}
  HttpResponse Get(const HttpRequest& request) const;

 private:
  const PipelineRegistry& registry_;
  PipelinesInfo info_;
};

}  // namespace pipeline_exporter

#include "exporter/http/pipeline_registry.h"

#include "exporter/http/api_params.h"

namespace pipeline_exporter {

const ApiPipeline* PipelineRegistry::Resolve(const HttpRequest& r, HttpResponse* error) const {
  const auto name = r.Param("pipeline");
  if (!name || name->empty()) {
    if (pipelines_.size() == 1) return &pipelines_.front();
    *error = BadParam("pipeline", "required: more than one pipeline is configured");
    return nullptr;
  }
  for (const auto& p : pipelines_) {
    if (p.store->name() == *name) return &p;
  }
  *error = HttpResponse::JsonError(404, "unknown pipeline", *name);
  return nullptr;
}

HttpResponse JsonResponse(const std::string& body, int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body;
  return r;
}

}  // namespace pipeline_exporter

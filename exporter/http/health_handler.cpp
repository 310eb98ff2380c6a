#include "exporter/http/health_handler.h"

#include <nlohmann/json.hpp>

namespace pipeline_exporter {

HttpResponse HealthHandler::operator()(const HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    return HttpResponse::JsonError(405, "method not allowed", "use GET");
  }
  nlohmann::json pipelines = nlohmann::json::array();
  std::size_t up = 0;
  for (const PipelineStore* store : stores_) {
    const PipelineSnapshot snap = store->Snapshot();
    up += snap.tail.db_up ? 1 : 0;
    pipelines.push_back(
        {{"name", snap.name},
         {"db_up", snap.tail.db_up},
         {"last_event_id", snap.tail.last_event_id},
         {"lag_seconds", snap.tail.lag_seconds ? nlohmann::json(*snap.tail.lag_seconds)
                                               : nlohmann::json(nullptr)}});
  }
  HttpResponse r;
  r.content_type = "application/json";
  r.status = up == 0 ? 503 : 200;
  r.body = nlohmann::json{{"status", up == stores_.size() ? "ok" : "degraded"},
                          {"pipelines", std::move(pipelines)}}
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

namespace {

HttpResponse Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace

HttpResponse HealthHandler::Healthy(const HttpRequest&) const { return Text(200, "healthy\n"); }

HttpResponse HealthHandler::Ready(const HttpRequest&) const {
  std::size_t waiting = 0;
  for (const PipelineStore* store : stores_) {
    const TailStats tail = store->Tail();
    if (tail.poll_duration.count == 0 && tail.poll_errors == 0) ++waiting;
  }
  if (waiting > 0) {
    return Text(503, "not ready: " + std::to_string(waiting) + " of " +
                         std::to_string(stores_.size()) + " pipelines have not been read yet\n");
  }
  return Text(200, "ready\n");
}

}  // namespace pipeline_exporter

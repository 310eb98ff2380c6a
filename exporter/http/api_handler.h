#pragma once
// The JSON API and the event stream of SPEC §5: pipelines, current batch, batch history,
// batch stats/logs/errors/export, one event with payloads, ingest, and /api/stream (SSE
// with snapshot, heartbeats, Last-Event-ID resume and a client cap). Parameters are parsed
// strictly (a bad one is a 400 naming it) and bound into SQL, never spliced.
// Thread-safe; borrows everything it is given, which must outlive it.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "exporter/core/pipeline_store.h"
#include "exporter/http/http_server.h"
#include "exporter/http/sse_hub.h"
#include "exporter/source/event_queries.h"
#include "exporter/source/event_writer.h"

namespace pipeline_exporter {

struct ApiPipeline {
  PipelineStore* store = nullptr;
  EventQueries* queries = nullptr;
  EventWriter* writer = nullptr;  // null unless ingest is enabled
  std::function<void()> nudge;    // makes the tail poll now (after an ingest)
};

struct ApiOptions {
  bool ingest_enabled = false;
  std::string ingest_token;              // empty: no token required
  std::size_t payload_cap = 256 * 1024;  // characters of one payload served
  std::int64_t heartbeat_ms = 15000;
  std::size_t max_resume_events = 1000;  // beyond this a resume gets a fresh snapshot
  std::size_t max_ingest_items = 1000;
  std::string grafana_url;
};

class ApiHandler {
 public:
  ApiHandler(std::vector<ApiPipeline> pipelines, SseHub& hub, ApiOptions options)
      : pipelines_(std::move(pipelines)), hub_(hub), options_(std::move(options)) {}

  // Registers every route on the server.
  void Register(HttpServer& server);

  HttpResponse Pipelines(const HttpRequest& r) const;
  HttpResponse CurrentBatch(const HttpRequest& r) const;
  HttpResponse Batches(const HttpRequest& r) const;
  HttpResponse Batch(const HttpRequest& r) const;   // /api/batch/{id}/…
  HttpResponse Events(const HttpRequest& r) const;  // POST /api/events, GET /api/events/{id}
  void Stream(const HttpRequest& r, HttpStream& out) const;

 private:
  const ApiPipeline* Resolve(const HttpRequest& r, HttpResponse* error) const;
  HttpResponse Ingest(const HttpRequest& r, const ApiPipeline& p) const;

  std::vector<ApiPipeline> pipelines_;
  SseHub& hub_;
  ApiOptions options_;
};

}  // namespace pipeline_exporter

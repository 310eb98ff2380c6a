#pragma once
// GET /api/stream?pipeline=P (SPEC §5): Server-Sent Events — retry, then a snapshot of the
// fold (or, with a valid Last-Event-ID, the missed events from the log: no gap, no
// duplicate; a fresh snapshot past max_resume_events), then one message per applied event
// and a ping every heartbeat. At most the hub's client cap; more get 503.
// Thread-safe; borrows the registry and the hub.

#include <cstdint>

#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"
#include "exporter/http/sse_hub.h"

namespace pipeline_exporter {

struct StreamOptions {
  std::int64_t heartbeat_ms = 15000;
  std::size_t max_resume_events = 1000;
};

class StreamHandler {
 public:
  StreamHandler(const PipelineRegistry& registry, SseHub& hub, StreamOptions options)
      : registry_(registry), hub_(hub), options_(options) {}
  void Get(const HttpRequest& request, HttpStream& out) const;

 private:
  const PipelineRegistry& registry_;
  SseHub& hub_;
  StreamOptions options_;
};

}  // namespace pipeline_exporter

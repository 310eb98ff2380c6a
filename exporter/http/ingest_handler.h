#pragma once
// POST /api/events?pipeline=P (SPEC §5): appends events sent as JSON (one object or an
// array of at most max_items), all or nothing, after checking every one with the same row
// validation the fold uses; 202 with their ids. Off unless enabled; needs the bearer token
// (compared in constant time). Nudges the tail, so the events reach streams at once.
// Thread-safe; borrows the registry and the clock.

#include <string>

#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"
#include "exporter/util/clock.h"

namespace pipeline_exporter {

struct IngestOptions {
  bool enabled = false;
  std::string token;  // required when enabled (the config refuses an empty one)
  std::size_t max_items = 1000;
};

class IngestHandler {
 public:
  IngestHandler(const PipelineRegistry& registry, const Clock& clock, IngestOptions options)
      : registry_(registry), clock_(clock), options_(std::move(options)) {}
  HttpResponse Post(const HttpRequest& request) const;

 private:
  const PipelineRegistry& registry_;
  const Clock& clock_;
  IngestOptions options_;
};

}  // namespace pipeline_exporter

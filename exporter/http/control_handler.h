#pragma once
// POST /api/batch/{id}/control?pipeline=P (SPEC §5): {"action": "pause"|"resume"|"cancel",
// "reason": "…"} writes one row to the control table — who asked (the web-config user, or the
// control token's configured name), from where (the client's address) and why — records the
// action in the audit trail, and answers 202 with the row; the pipeline reads it and
// acknowledges with batch_paused / batch_resumed / batch_canceled. 403 while control is off,
// 401 without a user or the token (a request with `Authorization: Bearer` is checked against
// the token even where web-config users exist: the server lets it past basic auth), 404 for a batch
// never seen, 409 when the action does not fit the batch's status (the fold's). Nudges the tail, so
// the batch shows pausing / canceling at once. Thread-safe; borrows the registry.

#include <string>

#include "exporter/core/ports/audit_record.h"
#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"

namespace pipeline_exporter {

struct ControlOptions {
  bool enabled = false;
  std::string token;                 // may be empty: then only web-config users may ask
  std::string token_name = "token";  // who the token's requests are recorded as
  AuditRecorder* audit = nullptr;    // borrowed; may be null (no audit trail)
};

class ControlHandler {
 public:
  ControlHandler(const PipelineRegistry& registry, ControlOptions options)
      : registry_(registry), options_(std::move(options)) {}
  HttpResponse Post(const HttpRequest& request) const;

  static constexpr std::size_t kMaxReason = 1024;

 private:
  const PipelineRegistry& registry_;
  ControlOptions options_;
};

}  // namespace pipeline_exporter

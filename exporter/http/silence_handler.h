#pragma once
// POST /api/alerts/silence?pipeline=P (SPEC §5), the page's "acknowledge":
// {"fingerprint": "…", "durationSeconds": 3600, "comment": "…"} creates an Alertmanager
// silence whose matchers are that alert's labels (each by equality), from now for the
// duration, created by the authenticated web-config user; 201 with the silence, recorded in
// the audit trail (who, from where, which alert, the silence's id). The alert
// must be one of the pipeline's (read afresh), so a page can silence nothing else.
// 403 while alerts are off or no web-config users exist (there is then no one to name),
// 400 for a bad body, 404 for an alert the pipeline does not have, 502 when Alertmanager
// fails. Thread-safe; borrows everything.

#include <cstdint>
#include <functional>
#include <string>

#include "exporter/core/ports/alert_reader.h"
#include "exporter/core/ports/audit_record.h"
#include "exporter/core/ports/silence_creator.h"
#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"
#include "exporter/util/clock.h"

namespace pipeline_exporter {

struct SilenceBackend {
  AlertReader* reader = nullptr;  // uncached: the alert is looked up as it is now
  SilenceCreator* creator = nullptr;
  std::function<void(const std::string& pipeline)> created;  // e.g. drop cached alerts
  AuditRecorder* audit = nullptr;                            // the audit trail; may be null
};

class SilenceHandler {
 public:
  // A backend without a reader or creator: alerts are off.
  SilenceHandler(const PipelineRegistry& registry, SilenceBackend backend, const Clock& clock)
      : registry_(registry), backend_(std::move(backend)), clock_(clock) {}
  HttpResponse Post(const HttpRequest& request) const;

  static constexpr std::int64_t kMinSeconds = 60;
  static constexpr std::int64_t kMaxSeconds = 30LL * 24 * 3600;
  static constexpr std::size_t kMaxComment = 1024;
  static constexpr const char* kDefaultComment = "Acknowledged on the pipeline page";

 private:
  const PipelineRegistry& registry_;
  SilenceBackend backend_;
  const Clock& clock_;
};

}  // namespace pipeline_exporter

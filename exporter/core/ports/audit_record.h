#pragma once
// The audit trail's seam: one action that changed something (a batch paused, resumed or
// canceled; an alert silenced), who did it, from where and to what. Written by the handlers
// once the action has taken effect; implemented by AuditLog (exporter/http: a structured log
// line and pipeline_exporter_control_actions_total) and by fakes in tests. Implementations are
// thread-safe.

#include <string>

namespace pipeline_exporter {

struct AuditRecord {
  std::string pipeline;
  std::string action;  // pause | resume | cancel | silence
  std::string actor;   // the web-config user, or the control token's configured name
  std::string from;    // the client's address (a trusted proxy's X-Forwarded-For resolved)
  std::string target;  // the batch id, or the alert's fingerprint
  std::string detail;  // the reason or comment given
  std::string result;  // what was written: the control row's id, or the silence's id
};

class AuditRecorder {
 public:
  virtual ~AuditRecorder() = default;
  virtual void Record(const AuditRecord& record) = 0;
};

}  // namespace pipeline_exporter

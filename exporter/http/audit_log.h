#pragma once
// The audit trail's implementation: every action becomes one structured log line at info level
// (`msg="audit" pipeline=… action=… actor=… from=… target=… result=… detail=…`, logfmt or JSON
// as the log format says) and one more in pipeline_exporter_control_actions_total. The row the
// action wrote (control table, Alertmanager's silence) keeps who and when for good. Thread-safe;
// borrows the counts, which must outlive it.

#include "exporter/core/exposition/action_counts.h"
#include "exporter/core/ports/audit_record.h"

namespace pipeline_exporter {

class AuditLog final : public AuditRecorder {
 public:
  explicit AuditLog(ActionCounts& counts) : counts_(counts) {}
  void Record(const AuditRecord& record) override;

 private:
  ActionCounts& counts_;
};

}  // namespace pipeline_exporter

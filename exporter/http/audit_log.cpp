#include "exporter/http/audit_log.h"

#include <spdlog/spdlog.h>

#include "exporter/util/logfmt.h"

namespace pipeline_exporter {

void AuditLog::Record(const AuditRecord& r) {
  counts_.Add(r.pipeline, r.action, r.actor);
  spdlog::info("msg=\"audit\" pipeline={} action={} actor={} from={} target={} result={} detail={}",
               LogfmtQuote(r.pipeline), LogfmtQuote(r.action), LogfmtQuote(r.actor),
               LogfmtQuote(r.from), LogfmtQuote(r.target), LogfmtQuote(r.result),
               LogfmtQuote(r.detail));
}

}  // namespace pipeline_exporter

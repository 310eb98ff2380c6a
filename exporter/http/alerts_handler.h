#pragma once
// GET /api/alerts?pipeline=P (SPEC §5): the pipeline's alerts from Alertmanager — firing,
// silenced (with who silenced them, why and until when) and inhibited — as
// {"pipeline", "alerts": [AlertJson…], "truncated"}. 403 while alerts are off (no
// web.alertmanager_url); 502 when Alertmanager cannot be asked, so the page can say so while
// everything else keeps working. The reader is meant to be a CachedAlertReader: Alertmanager is
// asked at most once per few seconds whatever the number of pages. Thread-safe; borrows the
// registry and the reader.

#include "exporter/core/ports/alert_reader.h"
#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"

namespace pipeline_exporter {

class AlertsHandler {
 public:
  // `reader` null: alerts are off.
  AlertsHandler(const PipelineRegistry& registry, AlertReader* reader)
      : registry_(registry), reader_(reader) {}
  HttpResponse Get(const HttpRequest& request) const;

 private:
  const PipelineRegistry& registry_;
  AlertReader* reader_;
};

}  // namespace pipeline_exporter

#pragma once
// Seam: writes one batch control request (POST /api/batch/{id}/control) and returns it as
// stored (id, requestedAt). Implementations: SociEventLog (exporter/source), FakeEventLog
// (tests). Thread-safe; failures are thrown as std::exception.

#include "exporter/core/fold/control_request.h"

namespace pipeline_exporter {

class ControlAppender {
 public:
  virtual ~ControlAppender() = default;
  virtual ControlRequest AppendControl(const ControlRequest& request) = 0;
};

}  // namespace pipeline_exporter

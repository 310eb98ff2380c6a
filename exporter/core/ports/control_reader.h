#pragma once
// Seam: the control requests after an id, in id order (the tail reads them beside the
// events). Implementations: SociEventLog (exporter/source), FakeEventLog (tests). Used from
// one thread at a time; failures (e.g. no control table: migration 002 not applied) are
// thrown as std::exception.

#include <cstdint>
#include <vector>

#include "exporter/core/fold/control_request.h"

namespace pipeline_exporter {

class ControlReader {
 public:
  virtual ~ControlReader() = default;
  virtual std::vector<ControlRequest> ReadControlAfter(std::int64_t after_id,
                                                       std::size_t limit) = 0;
};

}  // namespace pipeline_exporter

#pragma once
// Told about the events a PipelineStore has just applied, in the order applied (the SSE hub
// is one). Called on the applying thread, after the store's lock is released; must be
// thread-safe and quick (hand the events over, do not do I/O).

#include <string>
#include <vector>

#include "exporter/core/stage_event.h"

namespace pipeline_exporter {

class EventListener {
 public:
  virtual ~EventListener() = default;
  virtual void OnApplied(const std::string& pipeline, const std::vector<StageEvent>& events) = 0;
};

}  // namespace pipeline_exporter

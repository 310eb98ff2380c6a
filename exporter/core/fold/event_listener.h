#pragma once
// Told about the events a PipelineStore has just applied, in the order applied, with the
// state they led to (the SSE hub is one: it streams the events, then the stages whose figures
// changed). Called on the applying thread, after the store's lock is released, one burst at a
// time per pipeline; must be thread-safe and quick (hand the data over, do not do I/O).

#include <string>
#include <vector>

#include "exporter/core/fold/pipeline_snapshot.h"
#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

class EventListener {
 public:
  virtual ~EventListener() = default;
  // `after`: the pipeline's state once the burst was applied (taken under the same lock).
  virtual void OnApplied(const std::string& pipeline, const std::vector<StageEvent>& events,
                         const PipelineSnapshot& after) = 0;
};

}  // namespace pipeline_exporter

#pragma once
// An exemplar (OpenMetrics): the event behind a counter's newest increment or a histogram
// bucket's newest observation, so a spike on a graph leads back to the file behind it.
// Held in the fold (PipelineState), so the same rows give the same exemplars after a
// restart. Plain value struct.

#include <cstdint>
#include <optional>

namespace pipeline_exporter {

struct Exemplar {
  std::int64_t event_id = 0;
  std::int64_t batch_id = 0;
  double value = 0;              // the observation (seconds) or the increment (1)
  double timestamp_seconds = 0;  // the event's time, Unix seconds
};

// Keeps the newest event: `slot` takes `e` unless it already holds a later one (a row read
// late through an id gap does not displace a newer exemplar).
inline void KeepNewest(std::optional<Exemplar>& slot, const Exemplar& e) {
  if (!slot || slot->event_id <= e.event_id) slot = e;
}

}  // namespace pipeline_exporter

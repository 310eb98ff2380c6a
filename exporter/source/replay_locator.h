#pragma once
// The seam that tells the tail where to start on start-up: the id after which the replay
// window begins (SPEC §3: replay the batches that have events newer than the cutoff, from
// their first event). Same threading and error rules as EventSource.

#include <cstdint>

namespace pipeline_exporter {

class ReplayLocator {
 public:
  virtual ~ReplayLocator() = default;
  // The id to pass to FetchAfter first; 0 replays everything.
  virtual std::int64_t StartAfterId(std::int64_t cutoff_ms) = 0;
};

}  // namespace pipeline_exporter

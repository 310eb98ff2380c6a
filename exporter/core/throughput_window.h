#pragma once
// Sliding-window throughput of one stage: how many items (processed + failed) per second
// it finished over the last `window_ms`, for the ETA (SPEC §3). Samples are coalesced to
// one per second, so memory is bounded by the window length in seconds.
// Not thread-safe; owned by one StageState.

#include <cstdint>
#include <deque>
#include <optional>

namespace pipeline_exporter {

class ThroughputWindow {
 public:
  explicit ThroughputWindow(std::int64_t window_ms) : window_ms_(window_ms) {}

  // `done` is the stage's cumulative processed + failed at event time `ts_ms`.
  void Record(std::int64_t ts_ms, std::int64_t done);

  // Items per second over (now - window, now]; nullopt before any sample.
  std::optional<double> PerSecond(std::int64_t now_ms) const;

  void Clear() { samples_.clear(); }

 private:
  struct Sample {
    std::int64_t ts_ms;
    std::int64_t done;
  };
  std::int64_t window_ms_;
  std::deque<Sample> samples_;
};

}  // namespace pipeline_exporter

#pragma once
// Sliding-window throughput of one stage: how many items (processed + failed) per second
// it finished over the last `window_ms`, for the ETA (SPEC §3). Samples are coalesced to
// one per second, so memory is bounded by the window length in seconds.
// Not thread-safe; owned by one StageState.

#include <cstdint>
#include <optional>
#include <vector>

namespace pipeline_exporter {

class ThroughputWindow {
 public:
  explicit ThroughputWindow(std::int64_t window_ms) : window_ms_(window_ms) {}

  // `done` is the stage's cumulative processed + failed at event time `ts_ms`.
  void Record(std::int64_t ts_ms, std::int64_t done);

  // Items per second over (now - window, now]; nullopt before any sample.
  std::optional<double> PerSecond(std::int64_t now_ms) const;

  // Forgets every sample and releases their memory (a finished stage of an old batch).
  void Clear() {
    std::vector<Sample>().swap(samples_);
    head_ = 0;
  }

 private:
  struct Sample {
    std::int64_t ts_ms;
    std::int64_t done;
  };
  std::size_t size() const { return samples_.size() - head_; }
  const Sample& at(std::size_t i) const { return samples_[head_ + i]; }

  std::int64_t window_ms_;
  // samples_[head_..] are live; the dropped prefix is erased in bulk. Unlike a deque, an
  // empty window owns no memory (an exporter keeps hundreds of thousands of stages).
  std::vector<Sample> samples_;
  std::size_t head_ = 0;
};

}  // namespace pipeline_exporter

#pragma once
// The figures of one worker in one stage (SPEC §3), over one batch's run or since start:
// files completed and failed, file-duration sum and count with the latest 256 durations (for
// the median), files finished per second over the ETA window, and the time of its last event.
// In a batch a file counts once, for the worker of its latest outcome (AddCompleted/AddFailed
// with -1 move it away from the worker it was counted for); since start they only grow.
// Not thread-safe; owned by a StageState or a PipelineState.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "exporter/core/fold/throughput_window.h"

namespace pipeline_exporter {

// What a view shows of one worker's figures at one instant.
struct WorkerFiguresView {
  std::int64_t completed = 0;
  std::int64_t failed = 0;
  double failure_ratio = 0;                       // failed / (completed + failed); NaN when none
  std::optional<double> per_second;               // files finished per second over the ETA window
  std::optional<double> median_duration_seconds;  // of its latest 256 file durations
  std::optional<std::int64_t> last_event_ms;
};

// One line of GET /api/workers: a worker in a stage, in the current batch and since start.
struct WorkerRow {
  std::string stage;
  std::string worker;
  WorkerFiguresView batch;  // the current batch's latest run (zeros when it has none there)
  WorkerFiguresView total;  // since start
  // Its stage is processing in the current batch and it has written nothing for
  // kSilentAfterMs: probably stuck or gone.
  bool silent = false;
  static constexpr std::int64_t kSilentAfterMs = 2 * 60 * 1000;
};

class WorkerFigures {
 public:
  static constexpr std::size_t kDurationsKept = 256;

  explicit WorkerFigures(std::int64_t window_ms) : window_(window_ms) {}

  void Seen(std::int64_t ts_ms);
  void AddCompleted(std::int64_t ts_ms, int delta);
  void AddFailed(std::int64_t ts_ms, int delta);
  void AddDuration(double seconds);
  // Drops the samples behind the median and the rate, keeping the counts.
  void Compact();

  std::int64_t completed() const { return completed_; }
  std::int64_t failed() const { return failed_; }
  double duration_sum() const { return duration_sum_; }
  std::uint64_t duration_count() const { return duration_count_; }
  std::optional<std::int64_t> last_event_ms() const { return last_event_ms_; }
  WorkerFiguresView View(std::int64_t now_ms) const;

 private:
  std::int64_t completed_ = 0;
  std::int64_t failed_ = 0;
  double duration_sum_ = 0;
  std::uint64_t duration_count_ = 0;
  std::vector<float> durations_;  // a ring of the latest kDurationsKept
  std::size_t next_ = 0;
  std::optional<std::int64_t> last_event_ms_;
  ThroughputWindow window_;
};

// Workers' figures in first-seen order, by worker index (a stage run's or a stage's since
// start).
using WorkerFiguresList = std::vector<std::pair<std::size_t, WorkerFigures>>;

// The figures of worker `index`, added (with a window of `window_ms`) when not yet there.
WorkerFigures& FiguresOf(WorkerFiguresList& list, std::size_t index, std::int64_t window_ms);

}  // namespace pipeline_exporter

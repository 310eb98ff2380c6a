#pragma once
// The derived state of one stage within one batch's latest run (SPEC §3): status, totals,
// distinct processed/failed files, checkpoints, timing and recent throughput, its workers'
// figures (each file counted for the worker of its latest outcome) and its sub-stages. A
// stage_start after the stage ended starts a new run of the stage, which restarts every figure.
// File names are kept as 64-bit hashes, so memory per file is small and independent of the name's
// length. Not thread-safe; owned by its BatchState.

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "exporter/core/fold/event_type.h"
#include "exporter/core/fold/stage_event.h"
#include "exporter/core/fold/stage_status.h"
#include "exporter/core/fold/sub_stage_state.h"
#include "exporter/core/fold/throughput_window.h"
#include "exporter/core/fold/worker_figures.h"

namespace pipeline_exporter {

// What one event changed that the pipeline-wide counters must see.
struct StageChange {
  bool file_completed = false;  // a file entered the completed set
  bool file_failed = false;     // a file entered the failed set
  std::optional<double> file_duration_seconds;
};

class StageState {
 public:
  explicit StageState(std::int64_t eta_window_ms)
      : eta_window_ms_(eta_window_ms), window_(eta_window_ms) {}

  // `event` has passed ValidateEvent and belongs to this stage; `type` is its parsed type;
  // `worker` is the index (WorkerCatalog) of its gpuIp when it names a valid one.
  StageChange Apply(const StageEvent& event, EventType type,
                    std::optional<std::size_t> worker = std::nullopt);

  // Whether a substage_* event naming `id` fits under `max_sub_stages` (it is known already,
  // or there is room for one more in this run).
  bool AcceptsSubStage(const std::string& id, std::size_t max_sub_stages) const;

  // The batch reached an outcome (complete or failed) at `ts_ms`: a stage still processing
  // ends with it, and one that ended with the batch before follows a corrected outcome.
  void EndWithBatch(BatchStatus outcome, std::int64_t ts_ms);

  // Drops per-file detail once the batch is no longer current, keeping the figures.
  void Compact();

  StageStatus status() const { return status_; }
  std::optional<std::int64_t> total() const { return total_; }
  std::int64_t processed() const;
  std::int64_t failed() const;
  // (processed + failed) / total in [0, 1]; 1 when complete; NaN when total is unknown.
  double ProgressRatio() const;
  // Seconds from start to end (or to now while processing); nullopt while pending.
  std::optional<double> DurationSeconds(std::int64_t now_ms) const;
  // Remaining / recent throughput; 0 when ended; nullopt when unknown.
  std::optional<double> EtaSeconds(std::int64_t now_ms) const;
  std::optional<std::int64_t> last_event_ms() const { return last_event_ms_; }
  // Items finished per second over the throughput window; nullopt before any.
  std::optional<double> ThroughputPerSecond(std::int64_t now_ms) const {
    return window_.PerSecond(now_ms);
  }
  // The run's workers (catalog index → figures), in first-seen order.
  const WorkerFiguresList& workers() const { return workers_; }
  // The run's sub-stages, in first-seen order.
  const std::vector<SubStageState>& sub_stages() const { return sub_stages_; }

 private:
  static constexpr std::uint16_t kNoWorker = 0xFFFF;

  void MarkProcessing();
  WorkerFigures& Worker(std::size_t index);
  // The file counted for worker `index` (kNoWorker: none) leaves that worker's tally.
  void Uncount(std::uint16_t index, bool completed, std::int64_t ts_ms);
  void EndSubStages(StageStatus status, std::int64_t ts_ms);
  std::int64_t Done() const { return processed() + failed(); }

  bool Ended() const {
    return status_ == StageStatus::kComplete || status_ == StageStatus::kFailed;
  }

  std::int64_t eta_window_ms_;
  StageStatus status_ = StageStatus::kPending;
  bool ended_with_batch_ = false;
  std::optional<std::int64_t> total_;
  std::int64_t checkpoint_processed_ = 0;
  std::int64_t checkpoint_failed_ = 0;
  std::optional<std::int64_t> final_processed_;
  std::optional<std::int64_t> final_failed_;
  // File hash → the worker it is counted for (kNoWorker when its row named none).
  std::unordered_map<std::uint64_t, std::uint16_t> completed_;
  std::unordered_map<std::uint64_t, std::uint16_t> failed_;
  std::unordered_map<std::uint64_t, std::int64_t> started_;  // file hash → file_start ms
  std::optional<std::int64_t> stage_start_ms_;
  std::optional<std::int64_t> first_event_ms_;
  std::optional<std::int64_t> end_ms_;
  std::optional<std::int64_t> last_event_ms_;
  ThroughputWindow window_;
  WorkerFiguresList workers_;
  std::vector<SubStageState> sub_stages_;
};

}  // namespace pipeline_exporter

#pragma once
// The derived state of one batch of one pipeline (SPEC §3): the latest run of the batch —
// its status, metadata from batch_start, and one StageState per catalog stage. A batch_start
// after the batch ended (complete or failed) starts a new run, which restarts every figure;
// rows older than the latest run's start no longer change it. The latest outcome event wins,
// and stages still processing end with the batch. It also groups the latest run's errors, so
// the error view of a batch held costs the same whatever the batch's size.
// Not thread-safe; owned by its PipelineState.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/core/fold/control_request.h"
#include "exporter/core/fold/error_groups.h"
#include "exporter/core/fold/stage_state.h"
#include "exporter/core/fold/stage_status.h"

namespace pipeline_exporter {

// What one batch-level event did to the batch.
struct BatchChange {
  bool new_run = false;                // a batch_start began a new run
  std::optional<BatchStatus> outcome;  // the batch changed into this outcome
};

class BatchState {
 public:
  BatchState(std::int64_t batch_id, std::int64_t eta_window_ms)
      : batch_id_(batch_id), eta_window_ms_(eta_window_ms) {}

  // False for a row older than the start of the latest run (it belongs to an earlier run
  // and changes nothing); such rows still count in the since-start counters.
  bool InLatestRun(const StageEvent& event) const;

  // Records the batch-level part of a valid event of the latest run (status, metadata,
  // times); call before the stage part.
  BatchChange ApplyBatchLevel(const StageEvent& event, EventType type);

  // The stage at catalog `index`, created on first use.
  StageState& Stage(std::size_t index);
  const StageState* FindStage(std::size_t index) const;
  std::size_t stage_count() const { return stages_.size(); }

  // A control request for this batch (SPEC §3): a pause or cancel the pipeline has not
  // acknowledged yet shows as pausing / canceling; a resume withdraws a pause still pending.
  // A request older than the batch's latest pause, resume or outcome was answered already
  // and changes nothing. Kept in the run's control history (the newest kMaxControl).
  void ApplyControl(const ControlRequest& request);
  const std::vector<ControlRequest>& control() const { return control_; }
  static constexpr std::size_t kMaxControl = 10;

  // An error row of the latest run (error, stage_failed, batch_failed) joins its groups.
  void AddError(const StageEvent& event) { errors_.Add(event); }
  // The latest run's errors grouped (SPEC §5 errors), bounded like any ErrorGroups.
  const ErrorGroups& errors() const { return errors_; }

  void Compact();

  std::int64_t batch_id() const { return batch_id_; }
  // The id of the first event of the latest run: its batch_start, or the batch's first event.
  std::int64_t run_start_id() const { return run_start_id_; }
  BatchStatus status() const { return status_; }
  std::int64_t start_ms() const { return batch_start_ms_ ? *batch_start_ms_ : first_event_ms_; }
  std::optional<std::int64_t> end_ms() const { return end_ms_; }
  std::int64_t last_event_ms() const { return last_event_ms_; }
  std::optional<std::int64_t> total_files() const { return total_files_; }
  const std::string& batch_date() const { return batch_date_; }
  const std::string& batch_number() const { return batch_number_; }

 private:
  void ReadMetadata(const std::string& json);
  bool Ended() const { return IsOutcome(status_); }

  std::int64_t batch_id_;
  std::int64_t eta_window_ms_;
  std::int64_t run_start_id_ = INT64_MAX;
  bool run_started_by_batch_start_ = false;
  std::int64_t end_event_id_ = 0;  // the outcome event that ended the run
  std::int64_t first_event_ms_ = INT64_MAX;
  std::int64_t last_event_ms_ = 0;
  std::optional<std::int64_t> batch_start_ms_;
  std::optional<std::int64_t> end_ms_;
  std::optional<std::int64_t> total_files_;
  BatchStatus status_ = BatchStatus::kRunning;
  std::string batch_date_;
  std::string batch_number_;
  std::vector<std::optional<StageState>> stages_;
  ErrorGroups errors_;
  std::int64_t last_state_event_ms_ = 0;  // the latest pause, resume or outcome event
  std::vector<ControlRequest> control_;   // oldest first
};

}  // namespace pipeline_exporter

#pragma once
// The derived state of one batch of one pipeline: its status, metadata from batch_start,
// and one StageState per catalog stage (SPEC §3).
// Not thread-safe; owned by its PipelineState.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/core/stage_state.h"
#include "exporter/core/stage_status.h"

namespace pipeline_exporter {

class BatchState {
 public:
  BatchState(std::int64_t batch_id, std::int64_t eta_window_ms)
      : batch_id_(batch_id), eta_window_ms_(eta_window_ms) {}

  // Records the batch-level part of a valid event (status, metadata, first/last times).
  // Returns true when this event took the batch from running to an outcome.
  bool ApplyBatchLevel(const StageEvent& event, EventType type);

  // The stage at catalog `index`, created on first use.
  StageState& Stage(std::size_t index);
  const StageState* FindStage(std::size_t index) const;
  std::size_t stage_count() const { return stages_.size(); }

  void Compact();

  std::int64_t batch_id() const { return batch_id_; }
  std::int64_t first_event_id() const { return first_event_id_; }
  BatchStatus status() const { return status_; }
  std::int64_t start_ms() const { return batch_start_ms_ ? *batch_start_ms_ : first_event_ms_; }
  std::optional<std::int64_t> end_ms() const { return end_ms_; }
  std::int64_t last_event_ms() const { return last_event_ms_; }
  std::optional<std::int64_t> total_files() const { return total_files_; }
  const std::string& batch_date() const { return batch_date_; }
  const std::string& batch_number() const { return batch_number_; }

 private:
  void ReadMetadata(const std::string& json);

  std::int64_t batch_id_;
  std::int64_t eta_window_ms_;
  std::int64_t first_event_id_ = INT64_MAX;
  std::int64_t first_event_ms_ = INT64_MAX;
  std::int64_t last_event_ms_ = 0;
  std::optional<std::int64_t> batch_start_ms_;
  std::optional<std::int64_t> end_ms_;
  std::optional<std::int64_t> total_files_;
  BatchStatus status_ = BatchStatus::kRunning;
  bool outcome_counted_ = false;
  std::string batch_date_;
  std::string batch_number_;
  std::vector<std::optional<StageState>> stages_;
};

}  // namespace pipeline_exporter

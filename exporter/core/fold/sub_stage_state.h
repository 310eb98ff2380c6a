#pragma once
// One sub-stage of a stage's run (SPEC §3): `processing` from substage_start, `complete` at
// substage_complete; a substage_start after it completed starts a new run of it (its times
// restart). When its stage ends while it is processing, it ends there with the stage's status.
// Not thread-safe; owned by its StageState.

#include <cstdint>
#include <optional>
#include <string>

#include "exporter/core/fold/event_type.h"
#include "exporter/core/fold/stage_status.h"

namespace pipeline_exporter {

class SubStageState {
 public:
  explicit SubStageState(std::string id) : id_(std::move(id)) {}

  // A substage_start or substage_complete of this sub-stage at `ts_ms`.
  void Apply(EventType type, std::int64_t ts_ms);
  // Its stage ended (complete, failed or canceled) at `ts_ms`.
  void EndWithStage(StageStatus status, std::int64_t ts_ms);

  const std::string& id() const { return id_; }
  StageStatus status() const { return status_; }
  std::optional<std::int64_t> start_ms() const { return start_ms_; }
  std::optional<std::int64_t> end_ms() const { return end_ms_; }
  // From start to end, or to now while processing.
  double DurationSeconds(std::int64_t now_ms) const;

 private:
  std::string id_;
  StageStatus status_ = StageStatus::kProcessing;
  std::optional<std::int64_t> start_ms_;
  std::optional<std::int64_t> end_ms_;
};

}  // namespace pipeline_exporter

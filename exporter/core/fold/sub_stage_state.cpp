#include "exporter/core/fold/sub_stage_state.h"

#include <algorithm>

namespace pipeline_exporter {

void SubStageState::Apply(EventType type, std::int64_t ts_ms) {
  if (type == EventType::kSubstageStart) {
    if (status_ != StageStatus::kProcessing) {  // ended before: a new run
      start_ms_.reset();
      end_ms_.reset();
    }
    status_ = StageStatus::kProcessing;
    if (!start_ms_ || ts_ms < *start_ms_) start_ms_ = ts_ms;
  } else if (type == EventType::kSubstageComplete) {
    status_ = StageStatus::kComplete;
    if (!start_ms_) start_ms_ = ts_ms;  // a completion without its start lasted nothing known
    end_ms_ = std::max(ts_ms, *start_ms_);
  }
}

void SubStageState::EndWithStage(StageStatus status, std::int64_t ts_ms) {
  if (status_ != StageStatus::kProcessing) return;
  status_ = status;
  end_ms_ = start_ms_ ? std::max(ts_ms, *start_ms_) : ts_ms;
}

double SubStageState::DurationSeconds(std::int64_t now_ms) const {
  if (!start_ms_) return 0;
  const std::int64_t end = end_ms_ ? *end_ms_ : now_ms;
  return static_cast<double>(std::max<std::int64_t>(0, end - *start_ms_)) / 1000.0;
}

}  // namespace pipeline_exporter

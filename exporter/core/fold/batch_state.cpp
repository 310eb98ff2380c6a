#include "exporter/core/fold/batch_state.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "exporter/util/utf8.h"

namespace pipeline_exporter {
namespace {

// batch_date and batch_number become label values: keep them short and valid.
std::string LabelSafe(const nlohmann::json& v) {
  std::string s;
  if (v.is_string()) {
    s = v.get<std::string>();
  } else if (v.is_number_integer()) {
    s = std::to_string(v.get<std::int64_t>());
  } else {
    return {};
  }
  if (s.size() > 64 || !IsValidUtf8(s)) return {};
  return s;
}

}  // namespace

bool BatchState::InLatestRun(const StageEvent& event) const {
  return !run_started_by_batch_start_ || event.id >= run_start_id_;
}

BatchChange BatchState::ApplyBatchLevel(const StageEvent& event, EventType type) {
  BatchChange change;
  if (type == EventType::kBatchStart && Ended() && event.id > end_event_id_) {
    // The batch id is used again: a new run, from nothing.
    *this = BatchState(batch_id_, eta_window_ms_);
    change.new_run = true;
  }
  if (type == EventType::kBatchStart && !run_started_by_batch_start_) {
    run_started_by_batch_start_ = true;
    run_start_id_ = event.id;
  } else if (!run_started_by_batch_start_) {
    run_start_id_ = std::min(run_start_id_, event.id);
  }
  first_event_ms_ = std::min(first_event_ms_, event.timestamp_ms);
  last_event_ms_ = std::max(last_event_ms_, event.timestamp_ms);

  BatchStatus outcome = status_;
  switch (type) {
    case EventType::kBatchStart:
      if (!batch_start_ms_) batch_start_ms_ = event.timestamp_ms;
      if (event.total_files) total_files_ = event.total_files;
      if (event.batch_metadata) ReadMetadata(*event.batch_metadata);
      return change;
    case EventType::kBatchComplete:
      outcome = BatchStatus::kComplete;
      if (event.total_files) total_files_ = event.total_files;
      break;
    case EventType::kBatchFailed:
      outcome = BatchStatus::kFailed;
      break;
    case EventType::kBatchCanceled:
      outcome = BatchStatus::kCanceled;
      break;
    case EventType::kBatchPaused:
      // The pipeline paused: a running batch (or one asked to pause) is paused; one asked to
      // cancel stays canceling, an ended one stays ended.
      last_state_event_ms_ = std::max(last_state_event_ms_, event.timestamp_ms);
      if (status_ == BatchStatus::kRunning || status_ == BatchStatus::kPausing) {
        status_ = BatchStatus::kPaused;
      }
      return change;
    case EventType::kBatchResumed:
      last_state_event_ms_ = std::max(last_state_event_ms_, event.timestamp_ms);
      if (status_ == BatchStatus::kPaused || status_ == BatchStatus::kPausing) {
        status_ = BatchStatus::kRunning;
      }
      return change;
    default:
      return change;
  }
  last_state_event_ms_ = std::max(last_state_event_ms_, event.timestamp_ms);
  // The latest outcome wins; a repeated one changes nothing.
  if (Ended() && event.id < end_event_id_) return change;
  end_event_id_ = event.id;
  if (outcome == status_) return change;
  status_ = outcome;
  end_ms_ = event.timestamp_ms;
  for (auto& stage : stages_) {
    if (stage) stage->EndWithBatch(outcome, event.timestamp_ms);
  }
  change.outcome = outcome;
  return change;
}

void BatchState::ApplyControl(const ControlRequest& request) {
  for (const ControlRequest& seen : control_) {
    if (seen.id == request.id) return;
  }
  control_.push_back(request);
  std::sort(control_.begin(), control_.end(),
            [](const ControlRequest& a, const ControlRequest& b) { return a.id < b.id; });
  if (control_.size() > kMaxControl) control_.erase(control_.begin());
  if (request.requested_at_ms < last_state_event_ms_) return;  // answered already
  switch (request.action) {
    case ControlAction::kPause:
      if (status_ == BatchStatus::kRunning) status_ = BatchStatus::kPausing;
      break;
    case ControlAction::kResume:
      if (status_ == BatchStatus::kPausing) status_ = BatchStatus::kRunning;
      break;
    case ControlAction::kCancel:
      if (status_ == BatchStatus::kRunning || status_ == BatchStatus::kPausing ||
          status_ == BatchStatus::kPaused) {
        status_ = BatchStatus::kCanceling;
      }
      break;
  }
}

void BatchState::ReadMetadata(const std::string& json) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return;
  if (auto it = doc.find("batchDate"); it != doc.end()) batch_date_ = LabelSafe(*it);
  if (auto it = doc.find("batchNumber"); it != doc.end()) batch_number_ = LabelSafe(*it);
}

StageState& BatchState::Stage(std::size_t index) {
  if (index >= stages_.size()) stages_.resize(index + 1);
  if (!stages_[index]) stages_[index].emplace(eta_window_ms_);
  return *stages_[index];
}

const StageState* BatchState::FindStage(std::size_t index) const {
  if (index >= stages_.size() || !stages_[index]) return nullptr;
  return &*stages_[index];
}

void BatchState::Compact() {
  for (auto& stage : stages_) {
    if (stage) stage->Compact();
  }
}

}  // namespace pipeline_exporter

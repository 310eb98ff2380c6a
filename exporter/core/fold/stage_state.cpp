#include "exporter/core/fold/stage_state.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace pipeline_exporter {
namespace {

std::uint64_t HashFileName(std::string_view name) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

WorkerFigures& StageState::Worker(std::size_t index) {
  return FiguresOf(workers_, index, eta_window_ms_);
}

void StageState::Uncount(std::uint16_t index, bool completed, std::int64_t ts_ms) {
  // A file is counted only for a worker already in workers_: found, never added (adding
  // could move the figures Apply holds a pointer to).
  for (auto& [i, w] : workers_) {
    if (i != index) continue;
    if (completed) {
      w.AddCompleted(ts_ms, -1);
    } else {
      w.AddFailed(ts_ms, -1);
    }
    return;
  }
}

void StageState::EndSubStages(StageStatus status, std::int64_t ts_ms) {
  for (SubStageState& sub : sub_stages_) sub.EndWithStage(status, ts_ms);
}

bool StageState::AcceptsSubStage(const std::string& id, std::size_t max_sub_stages) const {
  if (sub_stages_.size() < max_sub_stages) return true;
  for (const SubStageState& sub : sub_stages_) {
    if (sub.id() == id) return true;
  }
  return false;
}

void StageState::MarkProcessing() {
  if (status_ == StageStatus::kPending) status_ = StageStatus::kProcessing;
}

StageChange StageState::Apply(const StageEvent& event, EventType type,
                              std::optional<std::size_t> worker) {
  // A stage started again after it ended is being re-run: the new run starts from nothing.
  if (type == EventType::kStageStart && Ended()) *this = StageState(eta_window_ms_);
  StageChange change;
  const std::int64_t ts = event.timestamp_ms;
  WorkerFigures* w = worker ? &Worker(*worker) : nullptr;
  const std::uint16_t worker_index = worker ? static_cast<std::uint16_t>(*worker) : kNoWorker;
  if (w) w->Seen(ts);
  const std::int64_t done_before = Done();
  if (!first_event_ms_ || ts < *first_event_ms_) first_event_ms_ = ts;
  if (!last_event_ms_ || ts > *last_event_ms_) last_event_ms_ = ts;

  switch (type) {
    case EventType::kStageStart:
      if (!stage_start_ms_) stage_start_ms_ = ts;
      status_ = StageStatus::kProcessing;
      if (event.total_files) total_ = event.total_files;
      window_.Record(ts, done_before);
      break;
    case EventType::kStageProgress:
      MarkProcessing();
      if (event.total_files) total_ = event.total_files;
      if (event.processed_files) checkpoint_processed_ = *event.processed_files;
      if (event.failed_files) checkpoint_failed_ = *event.failed_files;
      break;
    case EventType::kStageComplete:
      status_ = StageStatus::kComplete;
      ended_with_batch_ = false;
      end_ms_ = ts;
      EndSubStages(status_, ts);
      if (event.total_files) total_ = event.total_files;
      if (event.processed_files) final_processed_ = *event.processed_files;
      if (event.failed_files) final_failed_ = *event.failed_files;
      break;
    case EventType::kStageFailed:
      status_ = StageStatus::kFailed;
      ended_with_batch_ = false;
      end_ms_ = ts;
      EndSubStages(status_, ts);
      break;
    case EventType::kSubstageStart:
    case EventType::kSubstageComplete: {
      MarkProcessing();
      SubStageState* sub = nullptr;
      for (SubStageState& s : sub_stages_) {
        if (s.id() == *event.sub_stage) sub = &s;
      }
      if (!sub) sub = &sub_stages_.emplace_back(*event.sub_stage);
      sub->Apply(type, ts);
      break;
    }
    case EventType::kFileStart: {
      MarkProcessing();
      started_.try_emplace(HashFileName(*event.file_name), ts);
      break;
    }
    case EventType::kFileComplete: {
      MarkProcessing();
      const std::uint64_t key = HashFileName(*event.file_name);
      // The latest outcome of a file wins: a retried file that now succeeded is no
      // longer failed, and a file completed twice counts once (for its first worker).
      if (const auto f = failed_.find(key); f != failed_.end()) {
        Uncount(f->second, /*completed=*/false, ts);
        failed_.erase(f);
      }
      if (completed_.emplace(key, worker_index).second) {
        change.file_completed = true;
        if (event.duration_ms) {
          change.file_duration_seconds = static_cast<double>(*event.duration_ms) / 1000.0;
        } else if (auto it = started_.find(key); it != started_.end() && ts >= it->second) {
          change.file_duration_seconds = static_cast<double>(ts - it->second) / 1000.0;
        }
        if (w) {
          w->AddCompleted(ts, +1);
          if (change.file_duration_seconds) w->AddDuration(*change.file_duration_seconds);
        }
      }
      started_.erase(key);
      break;
    }
    case EventType::kError:
      if (event.file_name && !event.file_name->empty()) {
        MarkProcessing();
        const std::uint64_t key = HashFileName(*event.file_name);
        if (const auto c = completed_.find(key); c != completed_.end()) {
          Uncount(c->second, /*completed=*/true, ts);
          completed_.erase(c);
        }
        started_.erase(key);
        change.file_failed = failed_.emplace(key, worker_index).second;
        if (change.file_failed && w) w->AddFailed(ts, +1);
      }
      break;
    default:
      break;
  }

  const std::int64_t done_after = Done();
  if (done_after != done_before) window_.Record(ts, done_after);
  return change;
}

void StageState::EndWithBatch(BatchStatus outcome, std::int64_t ts_ms) {
  if (status_ != StageStatus::kProcessing && !ended_with_batch_) return;
  status_ = outcome == BatchStatus::kComplete   ? StageStatus::kComplete
            : outcome == BatchStatus::kCanceled ? StageStatus::kCanceled
                                                : StageStatus::kFailed;
  ended_with_batch_ = true;
  end_ms_ = ts_ms;
  EndSubStages(status_, ts_ms);
}

void StageState::Compact() {
  checkpoint_processed_ = processed();
  checkpoint_failed_ = failed();
  // Swapped with empty ones, not cleared: clear() keeps the bucket arrays allocated.
  std::unordered_map<std::uint64_t, std::uint16_t>().swap(completed_);
  std::unordered_map<std::uint64_t, std::uint16_t>().swap(failed_);
  std::unordered_map<std::uint64_t, std::int64_t>().swap(started_);
  window_.Clear();
  for (auto& [index, figures] : workers_) figures.Compact();
}

std::int64_t StageState::processed() const {
  if (final_processed_) return *final_processed_;
  return std::max(static_cast<std::int64_t>(completed_.size()), checkpoint_processed_);
}

std::int64_t StageState::failed() const {
  if (final_failed_) return *final_failed_;
  return std::max(static_cast<std::int64_t>(failed_.size()), checkpoint_failed_);
}

double StageState::ProgressRatio() const {
  if (status_ == StageStatus::kComplete) return 1.0;
  if (!total_ || *total_ <= 0) return std::numeric_limits<double>::quiet_NaN();
  const double ratio = static_cast<double>(Done()) / static_cast<double>(*total_);
  return std::clamp(ratio, 0.0, 1.0);
}

std::optional<double> StageState::DurationSeconds(std::int64_t now_ms) const {
  if (status_ == StageStatus::kPending) return std::nullopt;
  const std::int64_t start = stage_start_ms_ ? *stage_start_ms_ : *first_event_ms_;
  const std::int64_t end = end_ms_ ? *end_ms_ : now_ms;
  return static_cast<double>(std::max<std::int64_t>(0, end - start)) / 1000.0;
}

std::optional<double> StageState::EtaSeconds(std::int64_t now_ms) const {
  if (Ended()) return 0.0;
  if (status_ != StageStatus::kProcessing || !total_) return std::nullopt;
  const std::int64_t remaining = *total_ - Done();
  if (remaining <= 0) return 0.0;
  const auto rate = window_.PerSecond(now_ms);
  if (!rate || *rate <= 0) return std::nullopt;
  return static_cast<double>(remaining) / *rate;
}

}  // namespace pipeline_exporter

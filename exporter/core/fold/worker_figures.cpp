#include "exporter/core/fold/worker_figures.h"

#include <limits>

#include "exporter/util/median.h"

namespace pipeline_exporter {

void WorkerFigures::Seen(std::int64_t ts_ms) {
  if (!last_event_ms_ || ts_ms > *last_event_ms_) last_event_ms_ = ts_ms;
}

void WorkerFigures::AddCompleted(std::int64_t ts_ms, int delta) {
  completed_ += delta;
  window_.Record(ts_ms, completed_ + failed_);
}

void WorkerFigures::AddFailed(std::int64_t ts_ms, int delta) {
  failed_ += delta;
  window_.Record(ts_ms, completed_ + failed_);
}

void WorkerFigures::AddDuration(double seconds) {
  duration_sum_ += seconds;
  ++duration_count_;
  if (durations_.size() < kDurationsKept) {
    durations_.push_back(static_cast<float>(seconds));
  } else {
    durations_[next_] = static_cast<float>(seconds);
    next_ = (next_ + 1) % kDurationsKept;
  }
}

void WorkerFigures::Compact() {
  std::vector<float>().swap(durations_);
  next_ = 0;
  window_.Clear();
}

WorkerFiguresView WorkerFigures::View(std::int64_t now_ms) const {
  WorkerFiguresView v;
  v.completed = completed_;
  v.failed = failed_;
  const std::int64_t done = completed_ + failed_;
  v.failure_ratio = done > 0 ? static_cast<double>(failed_) / static_cast<double>(done)
                             : std::numeric_limits<double>::quiet_NaN();
  if (const auto rate = window_.PerSecond(now_ms)) v.per_second = std::max(0.0, *rate);
  if (!durations_.empty()) v.median_duration_seconds = Median(durations_);
  v.last_event_ms = last_event_ms_;
  return v;
}

WorkerFigures& FiguresOf(WorkerFiguresList& list, std::size_t index, std::int64_t window_ms) {
  for (auto& [i, figures] : list) {
    if (i == index) return figures;
  }
  return list.emplace_back(index, WorkerFigures(window_ms)).second;
}

}  // namespace pipeline_exporter

#include "exporter/core/fold/pipeline_store.h"

#include <algorithm>

namespace pipeline_exporter {

PipelineStore::PipelineStore(PipelineSpec spec, const Clock& clock)
    : name_(spec.name), spec_(spec), clock_(clock), state_(std::move(spec)) {}

ApplyReport PipelineStore::Apply(const std::vector<StageEvent>& events, bool live) {
  ApplyReport report;
  PipelineSnapshot after;
  const bool tell = listener_ && live;
  {
    std::lock_guard lock(mu_);
    for (const StageEvent& e : events) {
      if (auto reason = state_.Apply(e)) {
        report.rejected.emplace_back(&e, *reason);
      } else {
        ++report.applied;
        newest_event_ms_ = std::max(newest_event_ms_, e.timestamp_ms);
      }
    }
    if (tell && report.applied > 0) after = SnapshotLocked();
  }
  if (!tell || report.applied == 0) return report;
  if (report.rejected.empty()) {
    listener_->OnApplied(name_, events, after);  // the usual case: no copy
    return report;
  }
  // The applied ones only: `rejected` lists the others in order.
  std::vector<StageEvent> applied;
  applied.reserve(report.applied);
  auto next_rejected = report.rejected.begin();
  for (const StageEvent& e : events) {
    if (next_rejected != report.rejected.end() && next_rejected->first == &e) {
      ++next_rejected;
      continue;
    }
    applied.push_back(e);
  }
  listener_->OnApplied(name_, applied, after);
  return report;
}

void PipelineStore::ApplyControl(const std::vector<ControlRequest>& requests) {
  if (requests.empty()) return;
  PipelineSnapshot after;
  {
    std::lock_guard lock(mu_);
    for (const ControlRequest& r : requests) state_.ApplyControl(r);
    after = SnapshotLocked();
  }
  if (listener_) listener_->OnApplied(name_, {}, after);
}

void PipelineStore::RecordPoll(const PollRecord& record) {
  std::lock_guard lock(mu_);
  tail_.poll_duration.Observe(record.duration_seconds);
  tail_.gaps_expired += record.gaps_expired;
  if (record.id_regressed) ++tail_.id_regressions;
  if (record.woke_by) ++tail_.wakeups[static_cast<std::size_t>(*record.woke_by)];
  if (!record.ok) {
    tail_.db_up = false;
    ++tail_.poll_errors;
    return;
  }
  tail_.db_up = true;
  tail_.last_success_ms = record.finished_ms;
  tail_.last_event_id = record.high_water_mark;
  if (record.db_now_ms && newest_event_ms_ > 0) {
    tail_.lag_seconds =
        static_cast<double>(std::max<std::int64_t>(0, *record.db_now_ms - newest_event_ms_)) /
        1000.0;
    tail_.clock_skew_seconds = static_cast<double>(newest_event_ms_ - *record.db_now_ms) / 1000.0;
  }
}

void PipelineStore::RecordListener(ListenerEvent event) {
  std::lock_guard lock(mu_);
  tail_.listener_up = event == ListenerEvent::kListening;
  if (event == ListenerEvent::kLost) ++tail_.listener_losses;
}

void PipelineStore::Reset() {
  std::lock_guard lock(mu_);
  state_ = PipelineState(spec_);
  newest_event_ms_ = 0;
  tail_.last_event_id = 0;
  tail_.lag_seconds.reset();
  tail_.clock_skew_seconds.reset();
}

PipelineSnapshot PipelineStore::SnapshotLocked() const {
  PipelineSnapshot snap = state_.Snapshot(clock_.Now());
  snap.tail = tail_;
  return snap;
}

PipelineSnapshot PipelineStore::Snapshot() const {
  std::lock_guard lock(mu_);
  return SnapshotLocked();
}

std::optional<PipelineSnapshot> PipelineStore::SnapshotOfBatch(std::int64_t batch_id) const {
  std::lock_guard lock(mu_);
  auto snap = state_.SnapshotOfBatch(batch_id, clock_.Now());
  if (snap) snap->tail = tail_;
  return snap;
}

std::vector<BatchSummary> PipelineStore::History(std::optional<std::int64_t> before_run_start_id,
                                                 std::size_t limit) const {
  std::lock_guard lock(mu_);
  return state_.History(before_run_start_id, limit, clock_.Now());
}

std::optional<std::int64_t> PipelineStore::OldestRunStartId() const {
  std::lock_guard lock(mu_);
  return state_.OldestRunStartId();
}

std::vector<WorkerRow> PipelineStore::Workers(std::optional<std::int64_t> batch_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_.Workers(clock_.Now(), batch_id);
}

double PipelineStore::TypicalBatchDurationSeconds() const {
  std::lock_guard lock(mu_);
  return state_.TypicalBatchDurationSeconds();
}

bool PipelineStore::Holds(std::int64_t batch_id) const {
  std::lock_guard lock(mu_);
  return state_.Holds(batch_id);
}

std::optional<std::int64_t> PipelineStore::RunStartId(std::int64_t batch_id) const {
  std::lock_guard lock(mu_);
  const BatchState* batch = state_.FindBatch(batch_id);
  if (!batch) return std::nullopt;
  return batch->run_start_id();
}

std::optional<BatchStatus> PipelineStore::StatusOf(std::int64_t batch_id) const {
  std::lock_guard lock(mu_);
  const BatchState* batch = state_.FindBatch(batch_id);
  if (!batch) return std::nullopt;
  return batch->status();
}

std::optional<ErrorGroups> PipelineStore::ErrorsOfBatch(std::int64_t batch_id) const {
  std::lock_guard lock(mu_);
  const BatchState* batch = state_.FindBatch(batch_id);
  if (!batch) return std::nullopt;
  return batch->errors();
}

TailStats PipelineStore::Tail() const {
  std::lock_guard lock(mu_);
  return tail_;
}

bool PipelineStore::Knows(std::int64_t batch_id) const {
  std::lock_guard lock(mu_);
  return state_.Knows(batch_id);
}

}  // namespace pipeline_exporter

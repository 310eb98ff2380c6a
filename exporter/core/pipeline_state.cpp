#include "exporter/core/pipeline_state.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "exporter/core/event_validator.h"

namespace pipeline_exporter {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

double Median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2.0;
}

}  // namespace

PipelineState::PipelineState(PipelineSpec spec)
    : spec_(std::move(spec)), catalog_(spec_.stages, spec_.max_stages) {
  stage_counters_.resize(catalog_.size());
  for (auto& c : stage_counters_) c.file_duration = HistogramData(spec_.histogram_buckets);
}

std::optional<InvalidReason> PipelineState::Apply(const StageEvent& event) {
  const Validation v = ValidateEvent(event);
  if (v.reason) {
    ++invalid_[static_cast<std::size_t>(*v.reason)];
    return v.reason;
  }
  const EventType type = *v.type;

  std::optional<std::size_t> stage_index;
  if (!event.stage.empty()) {
    stage_index = catalog_.FindOrAdd(event.stage);
    if (!stage_index) {
      ++invalid_[static_cast<std::size_t>(InvalidReason::kTooManyStages)];
      return InvalidReason::kTooManyStages;
    }
    while (stage_counters_.size() < catalog_.size()) {
      stage_counters_.emplace_back().file_duration = HistogramData(spec_.histogram_buckets);
    }
  }

  BatchState& batch = BatchFor(event);
  const std::int64_t first_id_before = batch.first_event_id();
  if (batch.ApplyBatchLevel(event, type)) {
    ++(batch.status() == BatchStatus::kComplete ? batches_complete_ : batches_failed_);
  }
  const auto type_index = static_cast<std::size_t>(type);
  if (stage_index) {
    const StageChange change = batch.Stage(*stage_index).Apply(event, type);
    StageCounters& c = stage_counters_[*stage_index];
    ++c.events[type_index];
    if (change.file_completed) ++c.files_completed;
    if (change.file_failed) ++c.files_failed;
    if (change.file_duration_seconds) c.file_duration.Observe(*change.file_duration_seconds);
  } else {
    ++batch_level_events_[type_index];
  }
  const std::optional<std::int64_t> current_before = current_batch_id_;
  SelectCurrent(batch, batch.first_event_id() != first_id_before);
  if (current_batch_id_ != current_before || batch.batch_id() != *current_batch_id_ ||
      catalog_.size() != (typical_cache_ ? typical_cache_->size() : 0)) {
    typical_cache_.reset();
  }
  return std::nullopt;
}

BatchState& PipelineState::BatchFor(const StageEvent& event) {
  auto [it, inserted] = batches_.try_emplace(event.batch_id, event.batch_id, spec_.eta_window_ms);
  if (inserted && batches_.size() > spec_.max_batches_kept) {
    ForgetOldBatches();
    it = batches_.find(event.batch_id);
  }
  return it->second;
}

void PipelineState::SelectCurrent(const BatchState& touched, bool first_id_moved) {
  if (!current_batch_id_) {
    current_batch_id_ = touched.batch_id();
    return;
  }
  BatchState& current = batches_.at(*current_batch_id_);
  if (touched.batch_id() != current.batch_id()) {
    if (touched.first_event_id() > current.first_event_id()) {
      // Only the current batch drives gauges; older ones keep their figures, not files.
      current.Compact();
      current_batch_id_ = touched.batch_id();
    }
    return;
  }
  // A late row with a lower id can move the current batch's first event back in time;
  // only then can another batch have become the newest.
  if (!first_id_moved) return;
  for (const auto& [id, batch] : batches_) {
    if (batch.first_event_id() > current.first_event_id()) {
      current.Compact();
      current_batch_id_ = id;
      return;
    }
  }
}

void PipelineState::ForgetOldBatches() {
  while (batches_.size() > spec_.max_batches_kept) {
    auto oldest = batches_.end();
    for (auto it = batches_.begin(); it != batches_.end(); ++it) {
      if (current_batch_id_ && it->first == *current_batch_id_) continue;
      if (oldest == batches_.end() ||
          it->second.first_event_id() < oldest->second.first_event_id()) {
        oldest = it;
      }
    }
    if (oldest == batches_.end()) return;
    batches_.erase(oldest);
  }
}

const BatchState* PipelineState::FindBatch(std::int64_t batch_id) const {
  auto it = batches_.find(batch_id);
  return it == batches_.end() ? nullptr : &it->second;
}

std::vector<double> PipelineState::TypicalDurations() const {
  std::vector<const BatchState*> earlier;
  earlier.reserve(batches_.size());
  for (const auto& [id, batch] : batches_) {
    if (!current_batch_id_ || id != *current_batch_id_) earlier.push_back(&batch);
  }
  std::sort(earlier.begin(), earlier.end(), [](const BatchState* a, const BatchState* b) {
    return a->first_event_id() > b->first_event_id();
  });
  std::vector<double> typical(catalog_.size(), kNaN);
  for (std::size_t i = 0; i < catalog_.size(); ++i) {
    std::vector<double> durations;
    for (const BatchState* batch : earlier) {
      if (durations.size() >= spec_.baseline_batches) break;
      const StageState* stage = batch->FindStage(i);
      if (stage && stage->status() == StageStatus::kComplete) {
        durations.push_back(*stage->DurationSeconds(0));
      }
    }
    typical[i] = Median(std::move(durations));
  }
  return typical;
}

PipelineSnapshot PipelineState::Snapshot(std::int64_t now_ms) const {
  PipelineSnapshot snap;
  snap.name = spec_.name;
  snap.taken_ms = now_ms;
  snap.batch_level_events_total = batch_level_events_;
  snap.batches_complete_total = batches_complete_;
  snap.batches_failed_total = batches_failed_;
  snap.invalid_events_total = invalid_;

  const BatchState* current = current_batch_id_ ? FindBatch(*current_batch_id_) : nullptr;
  if (current) {
    BatchSnapshot b;
    b.id = current->batch_id();
    b.first_event_id = current->first_event_id();
    b.batch_date = current->batch_date();
    b.batch_number = current->batch_number();
    b.status = current->status();
    b.start_timestamp_seconds = Seconds(current->start_ms());
    if (current->end_ms()) b.end_timestamp_seconds = Seconds(*current->end_ms());
    if (current->total_files()) {
      b.files = static_cast<double>(*current->total_files());
    } else {
      for (std::size_t i = 0; i < current->stage_count(); ++i) {
        const StageState* s = current->FindStage(i);
        if (s && s->total()) b.files = std::max(b.files, static_cast<double>(*s->total()));
      }
    }
    snap.current_batch = std::move(b);
  }

  if (!typical_cache_) typical_cache_ = TypicalDurations();
  const std::vector<double>& typical = *typical_cache_;
  snap.stages.reserve(catalog_.size());
  for (std::size_t i = 0; i < catalog_.size(); ++i) {
    StageSnapshot s;
    s.id = catalog_.stages()[i].id;
    s.title = catalog_.stages()[i].title;
    const StageCounters& c = stage_counters_[i];
    s.events_total = c.events;
    s.files_completed_total = c.files_completed;
    s.files_failed_total = c.files_failed;
    s.file_duration = c.file_duration;
    s.typical_duration_seconds = typical[i];
    s.progress_ratio = kNaN;
    s.eta_seconds = kNaN;
    s.last_event_timestamp_seconds = kNaN;
    if (const StageState* st = current ? current->FindStage(i) : nullptr) {
      s.status = st->status();
      s.files = st->total() ? static_cast<double>(*st->total()) : 0;
      s.processed = static_cast<double>(st->processed());
      s.failed = static_cast<double>(st->failed());
      s.progress_ratio = st->ProgressRatio();
      s.duration_seconds = st->DurationSeconds(now_ms).value_or(0);
      s.eta_seconds = st->EtaSeconds(now_ms).value_or(kNaN);
      s.throughput_per_second = st->ThroughputPerSecond(now_ms).value_or(0);
      if (st->last_event_ms()) s.last_event_timestamp_seconds = Seconds(*st->last_event_ms());
    }
    snap.stages.push_back(std::move(s));
  }
  return snap;
}

}  // namespace pipeline_exporter

#include "exporter/core/fold/pipeline_state.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "exporter/core/fold/event_validator.h"
#include "exporter/util/median.h"

namespace pipeline_exporter {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

}  // namespace

PipelineState::PipelineState(PipelineSpec spec)
    : spec_(std::move(spec)),
      catalog_(spec_.stages, spec_.max_stages),
      worker_catalog_(spec_.max_workers) {
  stage_counters_.resize(catalog_.size(), NewStageCounters());
}

PipelineState::StageCounters PipelineState::NewStageCounters() const {
  StageCounters c;
  c.file_duration = HistogramData(spec_.histogram_buckets);
  c.duration_exemplars.resize(c.file_duration.counts.size());
  return c;
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
    while (stage_counters_.size() < catalog_.size()) stage_counters_.push_back(NewStageCounters());
    if (RequiresSubStage(type)) {
      // The cap is per stage run: a sub-stage the run knows is always accepted.
      const auto held = batches_.find(event.batch_id);
      const StageState* stage =
          held == batches_.end() ? nullptr : held->second.FindStage(*stage_index);
      if (stage && !stage->AcceptsSubStage(*event.sub_stage, spec_.max_substages)) {
        ++invalid_[static_cast<std::size_t>(InvalidReason::kTooManySubStages)];
        return InvalidReason::kTooManySubStages;
      }
    }
  }

  const auto type_index = static_cast<std::size_t>(type);
  if (stage_index) {
    ++stage_counters_[*stage_index].events[type_index];
  } else {
    ++batch_level_events_[type_index];
  }
  if (forgotten_.count(event.batch_id) > 0) {
    // A forgotten batch stays forgotten (its views are folded from its rows) until a new run
    // of it begins: the fold never holds half a run.
    if (type != EventType::kBatchStart) return std::nullopt;
    forgotten_.erase(event.batch_id);
  }
  BatchState& batch = BatchFor(event);
  // A row of an earlier run (late, through a gap) counts, but changes nothing.
  if (!batch.InLatestRun(event)) return std::nullopt;
  const std::int64_t run_start_before = batch.run_start_id();
  const BatchChange change = batch.ApplyBatchLevel(event, type);
  if (change.outcome) {
    ++(*change.outcome == BatchStatus::kComplete   ? batches_complete_
       : *change.outcome == BatchStatus::kCanceled ? batches_canceled_
                                                   : batches_failed_);
  }
  if (ErrorGroups::IsError(event.event_type)) batch.AddError(event);
  if (stage_index) {
    // Rows without a valid gpuIp are attributed to no worker.
    std::optional<std::size_t> worker;
    if (IsValidWorker(event.gpu_ip)) {
      worker = worker_catalog_.IndexOf(*event.gpu_ip);
      if (*worker == worker_catalog_.other_index()) ++worker_overflow_events_;
    }
    const StageChange sc = batch.Stage(*stage_index).Apply(event, type, worker);
    StageCounters& c = stage_counters_[*stage_index];
    const Exemplar exemplar{event.id, event.batch_id, 1.0, Seconds(event.timestamp_ms)};
    if (sc.file_completed) {
      ++c.files_completed;
      KeepNewest(c.completed_exemplar, exemplar);
    }
    if (sc.file_failed) {
      ++c.files_failed;
      KeepNewest(c.failed_exemplar, exemplar);
    }
    if (sc.file_duration_seconds) {
      const double d = *sc.file_duration_seconds;
      c.file_duration.Observe(d);
      Exemplar observed = exemplar;
      observed.value = d;
      KeepNewest(c.duration_exemplars[c.file_duration.BucketOf(d)], observed);
    }
    if (worker) {
      if (worker_totals_.size() < catalog_.size()) worker_totals_.resize(catalog_.size());
      WorkerFigures& w = FiguresOf(worker_totals_[*stage_index], *worker, spec_.eta_window_ms);
      w.Seen(event.timestamp_ms);
      if (sc.file_completed) {
        w.AddCompleted(event.timestamp_ms, +1);
        if (sc.file_duration_seconds) w.AddDuration(*sc.file_duration_seconds);
      }
      if (sc.file_failed) w.AddFailed(event.timestamp_ms, +1);
    }
  }
  const std::optional<std::int64_t> current_before = current_batch_id_;
  SelectCurrent(batch, run_start_before);
  if (current_batch_id_ != current_before || batch.batch_id() != *current_batch_id_ ||
      change.new_run || catalog_.size() != (typical_cache_ ? typical_cache_->size() : 0)) {
    typical_cache_.reset();
  }
  if (batches_.size() > spec_.max_batches_kept) {
    ForgetOldBatches(batch.batch_id());
    typical_cache_.reset();
  }
  return std::nullopt;
}

void PipelineState::ApplyControl(const ControlRequest& request) {
  ++control_requests_[static_cast<std::size_t>(request.action)];
  auto it = batches_.find(request.batch_id);
  if (it != batches_.end()) it->second.ApplyControl(request);
}

BatchState& PipelineState::BatchFor(const StageEvent& event) {
  return batches_.try_emplace(event.batch_id, event.batch_id, spec_.eta_window_ms).first->second;
}

void PipelineState::SelectCurrent(const BatchState& touched, std::int64_t run_start_before) {
  if (!current_batch_id_) {
    current_batch_id_ = touched.batch_id();
    return;
  }
  BatchState& current = batches_.at(*current_batch_id_);
  if (touched.batch_id() != current.batch_id()) {
    if (touched.run_start_id() > current.run_start_id()) {
      CompactIfEnded(current);
      current_batch_id_ = touched.batch_id();
    } else {
      CompactIfEnded(batches_.at(touched.batch_id()));
    }
    return;
  }
  // A late row with a lower id can move the current run's start back; only then can
  // another batch have become the one that started last.
  if (current.run_start_id() >= run_start_before) return;
  const BatchState* latest = &current;
  for (const auto& [id, batch] : batches_) {
    if (batch.run_start_id() > latest->run_start_id()) latest = &batch;
  }
  if (latest != &current) {
    CompactIfEnded(current);
    current_batch_id_ = latest->batch_id();
  }
}

void PipelineState::CompactIfEnded(BatchState& batch) {
  // A batch that is not current keeps its figures; once it has ended it no longer needs
  // its per-file detail. One still running (batches overlap) keeps counting files.
  if (IsOutcome(batch.status())) batch.Compact();
}

void PipelineState::ForgetOldBatches(std::int64_t keep) {
  constexpr std::size_t kForgottenKept = 4096;
  while (batches_.size() > spec_.max_batches_kept) {
    auto oldest = batches_.end();
    for (auto it = batches_.begin(); it != batches_.end(); ++it) {
      if (it->first == keep || (current_batch_id_ && it->first == *current_batch_id_)) continue;
      if (oldest == batches_.end() || it->second.run_start_id() < oldest->second.run_start_id()) {
        oldest = it;
      }
    }
    if (oldest == batches_.end()) return;
    if (forgotten_.insert(oldest->first).second) forgotten_order_.push_back(oldest->first);
    if (forgotten_order_.size() > kForgottenKept) {
      forgotten_.erase(forgotten_order_.front());
      forgotten_order_.pop_front();
    }
    batches_.erase(oldest);
  }
}

bool PipelineState::Knows(std::int64_t batch_id) const {
  return batches_.count(batch_id) > 0 || forgotten_.count(batch_id) > 0;
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
    return a->run_start_id() > b->run_start_id();
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

double PipelineState::TypicalBatchDurationSeconds() const {
  std::vector<const BatchState*> complete;
  for (const auto& [id, batch] : batches_) {
    if (current_batch_id_ && id == *current_batch_id_) continue;
    if (batch.status() == BatchStatus::kComplete && batch.end_ms()) complete.push_back(&batch);
  }
  std::sort(complete.begin(), complete.end(), [](const BatchState* a, const BatchState* b) {
    return a->run_start_id() > b->run_start_id();
  });
  if (complete.size() > spec_.baseline_batches) complete.resize(spec_.baseline_batches);
  std::vector<double> durations;
  for (const BatchState* b : complete) {
    durations.push_back(
        static_cast<double>(std::max<std::int64_t>(0, *b->end_ms() - b->start_ms())) / 1000.0);
  }
  return Median(std::move(durations));
}

namespace {

std::optional<std::int64_t> BatchFiles(const BatchState& batch) {
  if (batch.total_files()) return batch.total_files();
  std::optional<std::int64_t> files;
  for (std::size_t i = 0; i < batch.stage_count(); ++i) {
    const StageState* s = batch.FindStage(i);
    if (s && s->total()) files = std::max(files.value_or(0), *s->total());
  }
  return files;
}

}  // namespace

PipelineSnapshot PipelineState::Counters(std::int64_t now_ms) const {
  PipelineSnapshot snap;
  snap.name = spec_.name;
  snap.taken_ms = now_ms;
  snap.batch_level_events_total = batch_level_events_;
  snap.batches_complete_total = batches_complete_;
  snap.batches_failed_total = batches_failed_;
  snap.batches_canceled_total = batches_canceled_;
  snap.control_requests_total = control_requests_;
  snap.invalid_events_total = invalid_;
  snap.worker_overflow_events_total = worker_overflow_events_;
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
    s.files_completed_exemplar = c.completed_exemplar;
    s.files_failed_exemplar = c.failed_exemplar;
    s.file_duration_exemplars = c.duration_exemplars;
    s.typical_duration_seconds = typical[i];
    s.progress_ratio = kNaN;
    s.eta_seconds = kNaN;
    s.last_event_timestamp_seconds = kNaN;
    if (i < worker_totals_.size()) {
      for (const auto& [index, w] : worker_totals_[i]) {
        s.workers.push_back({worker_catalog_.Name(index), static_cast<std::uint64_t>(w.completed()),
                             static_cast<std::uint64_t>(w.failed()), w.duration_sum(),
                             w.duration_count()});
      }
    }
    snap.stages.push_back(std::move(s));
  }
  return snap;
}

void PipelineState::FillBatch(PipelineSnapshot& snap, const BatchState* batch,
                              std::int64_t now_ms) const {
  if (!batch) return;
  BatchSnapshot b;
  b.id = batch->batch_id();
  b.run_start_id = batch->run_start_id();
  b.batch_date = batch->batch_date();
  b.batch_number = batch->batch_number();
  b.status = batch->status();
  b.start_timestamp_seconds = Seconds(batch->start_ms());
  if (batch->end_ms()) b.end_timestamp_seconds = Seconds(*batch->end_ms());
  if (spec_.batch_deadline_ms > 0) b.deadline_seconds = Seconds(spec_.batch_deadline_ms);
  b.files = BatchFiles(*batch);
  b.control = batch->control();
  snap.current_batch = std::move(b);
  for (std::size_t i = 0; i < snap.stages.size(); ++i) {
    const StageState* st = batch->FindStage(i);
    if (!st) continue;
    StageSnapshot& s = snap.stages[i];
    s.status = st->status();
    s.total = st->total();
    s.processed = st->processed();
    s.failed = st->failed();
    s.progress_ratio = st->ProgressRatio();
    s.duration_seconds = st->DurationSeconds(now_ms);
    s.eta_seconds = st->EtaSeconds(now_ms).value_or(kNaN);
    s.throughput_per_second = st->ThroughputPerSecond(now_ms).value_or(0);
    if (st->last_event_ms()) s.last_event_timestamp_seconds = Seconds(*st->last_event_ms());
    for (const SubStageState& sub : st->sub_stages()) {
      SubStageSnapshot ss;
      ss.id = sub.id();
      ss.status = sub.status();
      if (sub.start_ms()) ss.start_timestamp_seconds = Seconds(*sub.start_ms());
      if (sub.end_ms()) ss.end_timestamp_seconds = Seconds(*sub.end_ms());
      ss.duration_seconds = sub.DurationSeconds(now_ms);
      s.sub_stages.push_back(std::move(ss));
    }
  }
}

std::vector<WorkerRow> PipelineState::Workers(std::int64_t now_ms,
                                              std::optional<std::int64_t> batch_id) const {
  std::vector<WorkerRow> rows;
  if (!batch_id) batch_id = current_batch_id_;
  const BatchState* current = batch_id ? FindBatch(*batch_id) : nullptr;
  for (std::size_t i = 0; i < worker_totals_.size(); ++i) {
    const StageState* stage = current ? current->FindStage(i) : nullptr;
    for (const auto& [index, total] : worker_totals_[i]) {
      WorkerRow row;
      row.stage = catalog_.stages()[i].id;
      row.worker = worker_catalog_.Name(index);
      row.total = total.View(now_ms);
      row.batch.failure_ratio = kNaN;
      if (stage) {
        for (const auto& [batch_index, figures] : stage->workers()) {
          if (batch_index == index) row.batch = figures.View(now_ms);
        }
        // Silent: it worked on this stage in this run (or before it) and has gone quiet.
        const auto last =
            row.batch.last_event_ms ? row.batch.last_event_ms : row.total.last_event_ms;
        row.silent = stage->status() == StageStatus::kProcessing && last &&
                     now_ms - *last >= WorkerRow::kSilentAfterMs;
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

PipelineSnapshot PipelineState::Snapshot(std::int64_t now_ms) const {
  PipelineSnapshot snap = Counters(now_ms);
  FillBatch(snap, current_batch_id_ ? FindBatch(*current_batch_id_) : nullptr, now_ms);
  return snap;
}

std::optional<PipelineSnapshot> PipelineState::SnapshotOfBatch(std::int64_t batch_id,
                                                               std::int64_t now_ms) const {
  const BatchState* batch = FindBatch(batch_id);
  if (!batch) return std::nullopt;
  PipelineSnapshot snap = Counters(now_ms);
  FillBatch(snap, batch, now_ms);
  return snap;
}

std::vector<BatchSummary> PipelineState::History(std::optional<std::int64_t> before_run_start_id,
                                                 std::size_t limit, std::int64_t now_ms) const {
  std::vector<const BatchState*> held;
  held.reserve(batches_.size());
  for (const auto& [id, batch] : batches_) {
    if (!before_run_start_id || batch.run_start_id() < *before_run_start_id) held.push_back(&batch);
  }
  const std::size_t n = std::min(limit, held.size());
  std::partial_sort(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(n), held.end(),
                    [](const BatchState* a, const BatchState* b) {
                      return a->run_start_id() > b->run_start_id();
                    });
  std::vector<BatchSummary> out;
  out.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const BatchState& batch = *held[k];
    BatchSummary b;
    b.id = batch.batch_id();
    b.run_start_id = batch.run_start_id();
    b.status = batch.status();
    b.start_ms = batch.start_ms();
    b.end_ms = batch.end_ms();
    b.duration_seconds =
        Seconds(std::max<std::int64_t>(0, batch.end_ms().value_or(now_ms) - batch.start_ms()));
    b.files = BatchFiles(batch);
    for (std::size_t i = 0; i < batch.stage_count(); ++i) {
      const StageState* st = batch.FindStage(i);
      if (!st) continue;
      b.files_processed += st->processed();
      b.files_failed += st->failed();
      b.stages.push_back({catalog_.stages()[i].id, st->status(), st->processed(), st->failed()});
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::optional<std::int64_t> PipelineState::OldestRunStartId() const {
  std::optional<std::int64_t> oldest;
  for (const auto& [id, batch] : batches_) {
    if (!oldest || batch.run_start_id() < *oldest) oldest = batch.run_start_id();
  }
  return oldest;
}

}  // namespace pipeline_exporter

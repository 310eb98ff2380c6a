#pragma once
// The one store of derived state for one pipeline: folds validated events into batches
// and stages (SPEC §3) and keeps the since-start counters (SPEC §4). A pure function of
// the events applied: the same events in the same order give the same state. Every figure
// any view shows — metrics, current batch, stats, history, export — comes from here.
// Not thread-safe: PipelineStore serialises access.

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "exporter/core/fold/batch_state.h"
#include "exporter/core/fold/batch_summary.h"
#include "exporter/core/fold/control_request.h"
#include "exporter/core/fold/invalid_reason.h"
#include "exporter/core/fold/pipeline_snapshot.h"
#include "exporter/core/fold/pipeline_spec.h"
#include "exporter/core/fold/stage_catalog.h"
#include "exporter/core/fold/stage_event.h"
#include "exporter/core/fold/worker_catalog.h"
#include "exporter/core/fold/worker_figures.h"

namespace pipeline_exporter {

class PipelineState {
 public:
  explicit PipelineState(PipelineSpec spec);

  // Validates and applies one event. Returns the reason when the row was rejected (and
  // counted); the state is then unchanged but for that counter.
  std::optional<InvalidReason> Apply(const StageEvent& event);
  // A control request read from the control table: counted, and applied to its batch when
  // held (pausing / canceling until the pipeline acknowledges; BatchState::ApplyControl).
  void ApplyControl(const ControlRequest& request);

  // Everything a scrape needs, with time-dependent values taken at `now_ms`; the gauges
  // describe the current batch (the one whose latest run started last).
  PipelineSnapshot Snapshot(std::int64_t now_ms) const;
  // The same, with the gauges describing `batch_id` instead; nullopt when not held.
  std::optional<PipelineSnapshot> SnapshotOfBatch(std::int64_t batch_id, std::int64_t now_ms) const;

  // Every worker of every stage (catalog orders): its figures in the latest run of `batch_id`
  // (the current batch when not given; zeros when not held) and since start
  // (GET /api/workers, the stats of a batch).
  std::vector<WorkerRow> Workers(std::int64_t now_ms,
                                 std::optional<std::int64_t> batch_id = std::nullopt) const;

  // The batches held, newest first by the start of their latest run, those whose run
  // started before `before_run_start_id` when given; at most `limit`.
  std::vector<BatchSummary> History(std::optional<std::int64_t> before_run_start_id,
                                    std::size_t limit, std::int64_t now_ms) const;
  // The median duration of the latest `baseline_batches` complete batches held other than the
  // current one (the history's "typical" bar); NaN while there is none.
  double TypicalBatchDurationSeconds() const;
  // The run start of the oldest batch held; nullopt when none.
  std::optional<std::int64_t> OldestRunStartId() const;

  // True when the batch is held, or was held and forgotten (max_batches_kept): its rows
  // have been read.
  bool Knows(std::int64_t batch_id) const;
  // True when the batch is held (FindBatch would find it).
  bool Holds(std::int64_t batch_id) const { return batches_.count(batch_id) > 0; }

  const PipelineSpec& spec() const { return spec_; }
  const StageCatalog& catalog() const { return catalog_; }
  std::optional<std::int64_t> current_batch_id() const { return current_batch_id_; }
  const BatchState* FindBatch(std::int64_t batch_id) const;

 private:
  struct StageCounters {
    std::array<std::uint64_t, kEventTypeCount> events{};
    std::uint64_t files_completed = 0;
    std::uint64_t files_failed = 0;
    HistogramData file_duration;
    // The newest event behind each figure (OpenMetrics exemplars).
    std::optional<Exemplar> completed_exemplar;
    std::optional<Exemplar> failed_exemplar;
    std::vector<std::optional<Exemplar>> duration_exemplars;  // per bucket, +Inf last
  };

  StageCounters NewStageCounters() const;

  BatchState& BatchFor(const StageEvent& event);
  void SelectCurrent(const BatchState& touched, std::int64_t run_start_before);
  // Forgets the oldest batches but the current one and `keep` (the one being added).
  void ForgetOldBatches(std::int64_t keep);
  void CompactIfEnded(BatchState& batch);
  std::vector<double> TypicalDurations() const;
  PipelineSnapshot Counters(std::int64_t now_ms) const;
  void FillBatch(PipelineSnapshot& snap, const BatchState* batch, std::int64_t now_ms) const;

  PipelineSpec spec_;
  StageCatalog catalog_;
  std::unordered_map<std::int64_t, BatchState> batches_;
  std::optional<std::int64_t> current_batch_id_;
  std::vector<StageCounters> stage_counters_;
  std::array<std::uint64_t, kEventTypeCount> batch_level_events_{};
  std::uint64_t batches_complete_ = 0;
  std::uint64_t batches_failed_ = 0;
  std::uint64_t batches_canceled_ = 0;
  std::array<std::uint64_t, kControlActionCount> control_requests_{};
  std::array<std::uint64_t, kInvalidReasonCount> invalid_{};
  WorkerCatalog worker_catalog_;
  // Since start, per stage: (worker index, figures) in first-seen order.
  std::vector<WorkerFiguresList> worker_totals_;
  std::uint64_t worker_overflow_events_ = 0;
  // Batches forgotten to stay under max_batches_kept, the newest few thousand. Their rows
  // still count; they are held again only from a new run's batch_start.
  std::unordered_set<std::int64_t> forgotten_;
  std::deque<std::int64_t> forgotten_order_;
  // TypicalDurations() depends only on batches other than the current one: cached until
  // one of them changes or the current batch does.
  mutable std::optional<std::vector<double>> typical_cache_;
};

}  // namespace pipeline_exporter

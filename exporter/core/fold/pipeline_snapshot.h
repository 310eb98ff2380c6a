#pragma once
// A consistent, self-contained copy of one pipeline's state at one instant: what /metrics
// and the JSON API render. Gauge fields describe one batch's latest run (the current batch,
// or the batch asked for); counter fields count everything read since start. Counts are
// integers; NaN marks an unknown ratio or time. Plain value structs.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/core/fold/control_request.h"
#include "exporter/core/fold/event_type.h"
#include "exporter/core/fold/exemplar.h"
#include "exporter/core/fold/histogram_data.h"
#include "exporter/core/fold/invalid_reason.h"
#include "exporter/core/fold/stage_status.h"
#include "exporter/core/fold/tail_stats.h"

namespace pipeline_exporter {

// One sub-stage of a stage's run in the batch shown.
struct SubStageSnapshot {
  std::string id;
  StageStatus status = StageStatus::kProcessing;
  std::optional<double> start_timestamp_seconds;
  std::optional<double> end_timestamp_seconds;  // nullopt while processing
  double duration_seconds = 0;                  // to now while processing
};

// A worker's since-start counters in one stage (the pipeline_worker_* metrics).
struct WorkerTotals {
  std::string worker;  // a gpuIp, or "other" past max_workers
  std::uint64_t files_completed = 0;
  std::uint64_t files_failed = 0;
  double duration_sum_seconds = 0;
  std::uint64_t duration_count = 0;
};

struct StageSnapshot {
  std::string id;
  std::string title;
  // The batch's latest run.
  StageStatus status = StageStatus::kPending;
  std::optional<std::int64_t> total;  // nullopt while unknown
  std::int64_t processed = 0;
  std::int64_t failed = 0;
  double progress_ratio = 0;
  std::optional<double> duration_seconds;  // nullopt while pending
  double eta_seconds = 0;
  double last_event_timestamp_seconds = 0;
  double typical_duration_seconds = 0;
  double throughput_per_second = 0;          // over the ETA window; 0 while unknown
  std::vector<SubStageSnapshot> sub_stages;  // first-seen order
  // Since start (all batches read).
  std::array<std::uint64_t, kEventTypeCount> events_total{};
  std::uint64_t files_completed_total = 0;
  std::uint64_t files_failed_total = 0;
  HistogramData file_duration;
  // The newest event behind each of the three (OpenMetrics exemplars); per bucket for the
  // histogram, parallel to file_duration.counts.
  std::optional<Exemplar> files_completed_exemplar;
  std::optional<Exemplar> files_failed_exemplar;
  std::vector<std::optional<Exemplar>> file_duration_exemplars;
  std::vector<WorkerTotals> workers;  // catalog order, those seen in this stage
};

struct BatchSnapshot {
  std::int64_t id = 0;
  std::int64_t run_start_id = 0;  // first event of the latest run
  std::string batch_date;
  std::string batch_number;
  BatchStatus status = BatchStatus::kRunning;
  std::optional<std::int64_t> files;  // batch_start's total, else the largest stage total
  double start_timestamp_seconds = 0;
  std::optional<double> end_timestamp_seconds;
  std::optional<double> deadline_seconds;  // the pipeline's `deadline`, from the start
  std::vector<ControlRequest> control;     // the run's control requests, oldest first (≤ 10)
};

struct PipelineSnapshot {
  std::string name;
  std::int64_t taken_ms = 0;
  std::vector<StageSnapshot> stages;  // catalog order
  std::optional<BatchSnapshot> current_batch;
  std::array<std::uint64_t, kEventTypeCount> batch_level_events_total{};  // no stage
  std::uint64_t batches_complete_total = 0;  // changes into complete (corrections count)
  std::uint64_t batches_failed_total = 0;    // changes into failed (corrections count)
  std::uint64_t batches_canceled_total = 0;  // changes into canceled
  std::array<std::uint64_t, kControlActionCount> control_requests_total{};  // rows read
  std::array<std::uint64_t, kInvalidReasonCount> invalid_events_total{};
  std::uint64_t worker_overflow_events_total = 0;  // events attributed to worker="other"
  TailStats tail;
};

}  // namespace pipeline_exporter

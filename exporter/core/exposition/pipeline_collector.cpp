#include "exporter/core/exposition/pipeline_collector.h"

#include <limits>
#include <string>

#include "exporter/core/exposition/metric_family_builder.h"

namespace pipeline_exporter {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t StageCount(const std::vector<PipelineSnapshot>& pipelines) {
  std::size_t n = 0;
  for (const auto& p : pipelines) n += p.stages.size();
  return n;
}

// A per-stage gauge family: one series per pipeline and stage, value picked by `get`.
template <typename Get>
MetricFamily StageGauge(const std::vector<PipelineSnapshot>& pipelines, const char* name,
                        const char* help, Get get) {
  MetricFamily f = MakeFamily(name, help, MetricType::Gauge, StageCount(pipelines));
  for (const auto& p : pipelines) {
    for (const auto& s : p.stages) {
      AddGauge(f, {{"pipeline", p.name}, {"pipeline_stage", s.id}}, get(s));
    }
  }
  return f;
}

template <typename Get>
MetricFamily StageCounter(const std::vector<PipelineSnapshot>& pipelines, const char* name,
                          const char* help, Get get) {
  MetricFamily f = MakeFamily(name, help, MetricType::Counter, StageCount(pipelines));
  for (const auto& p : pipelines) {
    for (const auto& s : p.stages) {
      AddCounter(f, {{"pipeline", p.name}, {"pipeline_stage", s.id}}, static_cast<double>(get(s)));
    }
  }
  return f;
}

template <typename Get>
MetricFamily PipelineGauge(const std::vector<PipelineSnapshot>& pipelines, const char* name,
                           const char* help, Get get) {
  MetricFamily f = MakeFamily(name, help, MetricType::Gauge);
  for (const auto& p : pipelines) AddGauge(f, {{"pipeline", p.name}}, get(p));
  return f;
}

template <typename Get>
MetricFamily PipelineCounter(const std::vector<PipelineSnapshot>& pipelines, const char* name,
                             const char* help, Get get) {
  MetricFamily f = MakeFamily(name, help, MetricType::Counter);
  for (const auto& p : pipelines)
    AddCounter(f, {{"pipeline", p.name}}, static_cast<double>(get(p)));
  return f;
}

MetricFamily EventsTotal(const std::vector<PipelineSnapshot>& pipelines) {
  MetricFamily f = MakeFamily("pipeline_events_total",
                              "Valid events read from the event log, by stage and event type "
                              "(pipeline_stage is empty for batch-level events).",
                              MetricType::Counter, StageCount(pipelines) * 4);
  auto add = [&f](const std::string& pipeline, const std::string& stage,
                  const std::array<std::uint64_t, kEventTypeCount>& counts) {
    for (EventType t : AllEventTypes()) {
      const std::uint64_t n = counts[static_cast<std::size_t>(t)];
      if (n == 0) continue;
      AddCounter(f,
                 {{"pipeline", pipeline},
                  {"pipeline_stage", stage},
                  {"event_type", std::string(EventTypeName(t))}},
                 static_cast<double>(n));
    }
  };
  for (const auto& p : pipelines) {
    add(p.name, "", p.batch_level_events_total);
    for (const auto& s : p.stages) add(p.name, s.id, s.events_total);
  }
  return f;
}

// The exemplars of a per-stage family, in the order its series were added.
template <typename Get>
std::vector<MetricExemplars> StageExemplars(const std::vector<PipelineSnapshot>& pipelines,
                                            Get get) {
  std::vector<MetricExemplars> out;
  out.reserve(StageCount(pipelines));
  for (const auto& p : pipelines) {
    for (const auto& s : p.stages) out.push_back(get(s));
  }
  return out;
}

// Gives the family added last its exemplars.
void AttachToLast(Exposition& x, std::vector<MetricExemplars> exemplars) {
  x.exemplars.resize(x.families.size());
  x.exemplars.back() = std::move(exemplars);
}

}  // namespace

std::vector<PipelineSnapshot> PipelineCollector::Snapshots() const {
  std::vector<PipelineSnapshot> snapshots;
  snapshots.reserve(stores_.size());
  for (const PipelineStore* store : stores_) snapshots.push_back(store->Snapshot());
  return snapshots;
}

std::vector<MetricFamily> PipelineCollector::Collect() const { return Render(Snapshots()); }

Exposition PipelineCollector::Expose() const { return RenderExposition(Snapshots()); }

Exposition PipelineCollector::RenderExposition(const std::vector<PipelineSnapshot>& ps) {
  Exposition x;
  std::vector<MetricFamily>& out = x.families;
  out.reserve(32);

  out.push_back(
      StageGauge(ps, "pipeline_stage_files",
                 "Total files of the stage in the current batch (0 while unknown).",
                 [](const StageSnapshot& s) { return static_cast<double>(s.total.value_or(0)); }));
  out.push_back(
      StageGauge(ps, "pipeline_stage_files_processed",
                 "Files the stage has processed so far in the current batch.",
                 [](const StageSnapshot& s) { return static_cast<double>(s.processed); }));
  out.push_back(StageGauge(ps, "pipeline_stage_files_failed",
                           "Files that failed in the stage so far in the current batch.",
                           [](const StageSnapshot& s) { return static_cast<double>(s.failed); }));
  out.push_back(StageGauge(ps, "pipeline_stage_progress_ratio",
                           "(processed + failed) / total in 0..1; 1 when complete, NaN while the "
                           "total is unknown.",
                           [](const StageSnapshot& s) { return s.progress_ratio; }));

  MetricFamily status = MakeFamily("pipeline_stage_status",
                                   "Stage status in the current batch: 1 for the current one of "
                                   "pending/processing/complete/failed/canceled, 0 for the others.",
                                   MetricType::Gauge);
  for (const auto& p : ps) {
    for (const auto& s : p.stages) {
      for (StageStatus st : kAllStageStatuses) {
        AddGauge(status,
                 {{"pipeline", p.name},
                  {"pipeline_stage", s.id},
                  {"status", std::string(StageStatusName(st))}},
                 s.status == st ? 1 : 0);
      }
    }
  }
  out.push_back(std::move(status));

  out.push_back(StageGauge(ps, "pipeline_stage_duration_seconds",
                           "Seconds the stage has run in the current batch (final once ended).",
                           [](const StageSnapshot& s) { return s.duration_seconds.value_or(0); }));
  out.push_back(StageGauge(ps, "pipeline_stage_eta_seconds",
                           "Estimated seconds until the stage completes, from its recent "
                           "throughput; NaN when unknown.",
                           [](const StageSnapshot& s) { return s.eta_seconds; }));
  out.push_back(StageGauge(ps, "pipeline_stage_last_event_timestamp_seconds",
                           "Unix time of the stage's latest event in the current batch.",
                           [](const StageSnapshot& s) { return s.last_event_timestamp_seconds; }));
  out.push_back(StageGauge(ps, "pipeline_stage_typical_duration_seconds",
                           "Median duration of the stage over recent earlier batches in which "
                           "it completed; NaN until one exists.",
                           [](const StageSnapshot& s) { return s.typical_duration_seconds; }));
  out.push_back(EventsTotal(ps));
  out.push_back(StageCounter(ps, "pipeline_files_completed_total",
                             "Distinct files completed per stage and batch, since start.",
                             [](const StageSnapshot& s) { return s.files_completed_total; }));
  AttachToLast(x, StageExemplars(ps, [](const StageSnapshot& s) {
                 return MetricExemplars{s.files_completed_exemplar, {}};
               }));
  out.push_back(StageCounter(ps, "pipeline_files_failed_total",
                             "Distinct files failed per stage and batch, since start.",
                             [](const StageSnapshot& s) { return s.files_failed_total; }));
  AttachToLast(x, StageExemplars(ps, [](const StageSnapshot& s) {
                 return MetricExemplars{s.files_failed_exemplar, {}};
               }));

  MetricFamily durations = MakeFamily(
      "pipeline_file_duration_seconds",
      "Processing time of one file in a stage (durationMs, or file_start to file_complete).",
      MetricType::Histogram, StageCount(ps));
  for (const auto& p : ps) {
    for (const auto& s : p.stages) {
      AddHistogram(durations, {{"pipeline", p.name}, {"pipeline_stage", s.id}}, s.file_duration);
    }
  }
  out.push_back(std::move(durations));
  AttachToLast(x, StageExemplars(ps, [](const StageSnapshot& s) {
                 return MetricExemplars{std::nullopt, s.file_duration_exemplars};
               }));

  // Workers (bounded by max_workers per pipeline, the rest under worker="other").
  std::size_t worker_series = 0;
  for (const auto& p : ps) {
    for (const auto& s : p.stages) worker_series += s.workers.size();
  }
  MetricFamily worker_completed =
      MakeFamily("pipeline_worker_files_completed_total",
                 "Distinct files completed per stage and worker (gpuIp), since start.",
                 MetricType::Counter, worker_series);
  MetricFamily worker_failed =
      MakeFamily("pipeline_worker_files_failed_total",
                 "Distinct files failed per stage and worker (gpuIp), since start.",
                 MetricType::Counter, worker_series);
  MetricFamily worker_duration =
      MakeFamily("pipeline_worker_file_duration_seconds",
                 "Processing time of the files a worker completed in a stage (sum and count).",
                 MetricType::Summary, worker_series);
  for (const auto& p : ps) {
    for (const auto& s : p.stages) {
      for (const WorkerTotals& w : s.workers) {
        const LabelPairs labels = {
            {"pipeline", p.name}, {"pipeline_stage", s.id}, {"worker", w.worker}};
        AddCounter(worker_completed, labels, static_cast<double>(w.files_completed));
        AddCounter(worker_failed, labels, static_cast<double>(w.files_failed));
        AddSummary(worker_duration, labels, w.duration_count, w.duration_sum_seconds);
      }
    }
  }
  out.push_back(std::move(worker_completed));
  out.push_back(std::move(worker_failed));
  out.push_back(std::move(worker_duration));
  out.push_back(PipelineCounter(
      ps, "pipeline_exporter_worker_overflow_events_total",
      "Events counted under worker=\"other\" because the pipeline already had max_workers workers.",
      [](const PipelineSnapshot& p) { return p.worker_overflow_events_total; }));

  MetricFamily substage = MakeFamily(
      "pipeline_substage_duration_seconds",
      "Duration of each sub-stage's latest run in the current batch (to now while processing).",
      MetricType::Gauge);
  for (const auto& p : ps) {
    for (const auto& s : p.stages) {
      for (const SubStageSnapshot& sub : s.sub_stages) {
        AddGauge(substage, {{"pipeline", p.name}, {"pipeline_stage", s.id}, {"substage", sub.id}},
                 sub.duration_seconds);
      }
    }
  }
  out.push_back(std::move(substage));

  MetricFamily info =
      MakeFamily("pipeline_batch_info", "Always 1: identifies the current batch of the pipeline.",
                 MetricType::Gauge);
  for (const auto& p : ps) {
    if (!p.current_batch) continue;
    const BatchSnapshot& b = *p.current_batch;
    AddGauge(info,
             {{"pipeline", p.name},
              {"batch_id", std::to_string(b.id)},
              {"batch_date", b.batch_date},
              {"batch_number", b.batch_number}},
             1);
  }
  out.push_back(std::move(info));

  out.push_back(PipelineGauge(ps, "pipeline_batch_files", "Total files of the current batch.",
                              [](const PipelineSnapshot& p) {
                                return p.current_batch
                                           ? static_cast<double>(p.current_batch->files.value_or(0))
                                           : 0.0;
                              }));
  MetricFamily batch_status =
      MakeFamily("pipeline_batch_status",
                 "Current batch status: 1 for the current one of "
                 "running/pausing/paused/canceling/canceled/complete/failed.",
                 MetricType::Gauge);
  for (const auto& p : ps) {
    if (!p.current_batch) continue;
    for (BatchStatus st : kAllBatchStatuses) {
      AddGauge(batch_status, {{"pipeline", p.name}, {"status", std::string(BatchStatusName(st))}},
               p.current_batch->status == st ? 1 : 0);
    }
  }
  out.push_back(std::move(batch_status));
  out.push_back(
      PipelineGauge(ps, "pipeline_batch_start_timestamp_seconds",
                    "Unix time the current batch started.", [](const PipelineSnapshot& p) {
                      return p.current_batch ? p.current_batch->start_timestamp_seconds : kNaN;
                    }));
  MetricFamily deadline = MakeFamily(
      "pipeline_batch_deadline_seconds",
      "Longest the current batch may run from its start (the pipeline's deadline); absent "
      "when none is configured.",
      MetricType::Gauge);
  for (const auto& p : ps) {
    if (p.current_batch && p.current_batch->deadline_seconds) {
      AddGauge(deadline, {{"pipeline", p.name}}, *p.current_batch->deadline_seconds);
    }
  }
  out.push_back(std::move(deadline));
  MetricFamily batches =
      MakeFamily("pipeline_batches_total",
                 "Changes of a batch into an outcome (complete, failed or canceled); a "
                 "corrected outcome counts in both.",
                 MetricType::Counter);
  for (const auto& p : ps) {
    AddCounter(batches, {{"pipeline", p.name}, {"outcome", "complete"}},
               static_cast<double>(p.batches_complete_total));
    AddCounter(batches, {{"pipeline", p.name}, {"outcome", "failed"}},
               static_cast<double>(p.batches_failed_total));
    AddCounter(batches, {{"pipeline", p.name}, {"outcome", "canceled"}},
               static_cast<double>(p.batches_canceled_total));
  }
  out.push_back(std::move(batches));
  MetricFamily control = MakeFamily(
      "pipeline_batch_control_requests_total",
      "Batch control requests read from the control table, by action.", MetricType::Counter);
  for (const auto& p : ps) {
    for (const ControlAction a : kAllControlActions) {
      AddCounter(control, {{"pipeline", p.name}, {"action", std::string(ControlActionName(a))}},
                 static_cast<double>(p.control_requests_total[static_cast<std::size_t>(a)]));
    }
  }
  out.push_back(std::move(control));

  out.push_back(PipelineGauge(ps, "pipeline_exporter_db_up",
                              "1 when the last poll of the pipeline's database succeeded.",
                              [](const PipelineSnapshot& p) { return p.tail.db_up ? 1.0 : 0.0; }));
  out.push_back(PipelineGauge(
      ps, "pipeline_exporter_last_poll_success_timestamp_seconds",
      "Unix time of the last successful poll (0 before the first).", [](const PipelineSnapshot& p) {
        return p.tail.last_success_ms ? static_cast<double>(*p.tail.last_success_ms) / 1000.0 : 0.0;
      }));
  MetricFamily poll = MakeFamily("pipeline_exporter_poll_duration_seconds",
                                 "Time one poll of the event log took.", MetricType::Histogram);
  for (const auto& p : ps) AddHistogram(poll, {{"pipeline", p.name}}, p.tail.poll_duration);
  out.push_back(std::move(poll));
  out.push_back(PipelineCounter(ps, "pipeline_exporter_poll_errors_total", "Polls that failed.",
                                [](const PipelineSnapshot& p) { return p.tail.poll_errors; }));
  out.push_back(
      PipelineCounter(ps, "pipeline_exporter_gaps_expired_total",
                      "Id gaps given up after the grace period (ids of rolled-back inserts).",
                      [](const PipelineSnapshot& p) { return p.tail.gaps_expired; }));
  out.push_back(PipelineCounter(
      ps, "pipeline_exporter_id_regressions_total",
      "Times the table's ids went backwards (truncated or recreated) and the state was rebuilt.",
      [](const PipelineSnapshot& p) { return p.tail.id_regressions; }));
  MetricFamily wakeups =
      MakeFamily("pipeline_exporter_wakeups_total",
                 "Polls of the event log by what started them: poll (the interval ran out), notify "
                 "(PostgreSQL NOTIFY), inotify (the SQLite file changed), api (a write through "
                 "this exporter).",
                 MetricType::Counter);
  for (const auto& p : ps) {
    for (const WakeSource s : kAllWakeSources) {
      AddCounter(wakeups, {{"pipeline", p.name}, {"source", std::string(WakeSourceName(s))}},
                 static_cast<double>(p.tail.wakeups[static_cast<std::size_t>(s)]));
    }
  }
  out.push_back(std::move(wakeups));
  MetricFamily listener_up =
      MakeFamily("pipeline_exporter_listener_up",
                 "1 while the PostgreSQL LISTEN connection is listening (pipelines with one).",
                 MetricType::Gauge);
  MetricFamily listener_losses = MakeFamily(
      "pipeline_exporter_listener_losses_total",
      "Times the PostgreSQL LISTEN connection was lost (dropped, or silent past its keepalive) "
      "and opened again.",
      MetricType::Counter);
  for (const auto& p : ps) {
    if (!p.tail.listener_up) continue;
    AddGauge(listener_up, {{"pipeline", p.name}}, *p.tail.listener_up ? 1.0 : 0.0);
    AddCounter(listener_losses, {{"pipeline", p.name}},
               static_cast<double>(p.tail.listener_losses));
  }
  if (!listener_up.metric.empty()) {
    out.push_back(std::move(listener_up));
    out.push_back(std::move(listener_losses));
  }
  out.push_back(PipelineGauge(
      ps, "pipeline_exporter_last_event_id",
      "The tail's high-water mark: the highest event id read.",
      [](const PipelineSnapshot& p) { return static_cast<double>(p.tail.last_event_id); }));
  out.push_back(PipelineGauge(
      ps, "pipeline_exporter_event_lag_seconds",
      "Database time now minus the timestamp of the newest event read; NaN before the first.",
      [](const PipelineSnapshot& p) { return p.tail.lag_seconds.value_or(kNaN); }));
  out.push_back(PipelineGauge(
      ps, "pipeline_exporter_clock_skew_seconds",
      "Newest event timestamp minus the database's clock at the last poll; above 0 the writers "
      "stamp events ahead of the database (e.g. a MySQL session that is not in UTC).",
      [](const PipelineSnapshot& p) { return p.tail.clock_skew_seconds.value_or(kNaN); }));

  MetricFamily invalid =
      MakeFamily("pipeline_exporter_invalid_events_total",
                 "Rows rejected for the metrics, by reason; they stay visible in the event log.",
                 MetricType::Counter);
  for (const auto& p : ps) {
    for (InvalidReason r : AllInvalidReasons()) {
      AddCounter(invalid, {{"pipeline", p.name}, {"reason", std::string(InvalidReasonName(r))}},
                 static_cast<double>(p.invalid_events_total[static_cast<std::size_t>(r)]));
    }
  }
  out.push_back(std::move(invalid));
  return x;
}

}  // namespace pipeline_exporter

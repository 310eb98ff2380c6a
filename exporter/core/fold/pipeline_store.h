#pragma once
// The single place where one pipeline's state lives at run time: PipelineState plus the
// tail's self-metrics, behind one mutex. The Tailer (writer) applies events and records
// polls; scrapes and the API (readers) take snapshots. Each snapshot is consistent.
// Thread-safe. Holds a reference to the Clock, which must outlive it.

#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "exporter/core/fold/error_groups.h"
#include "exporter/core/fold/event_listener.h"
#include "exporter/core/fold/pipeline_snapshot.h"
#include "exporter/core/fold/pipeline_state.h"
#include "exporter/core/fold/stage_event.h"
#include "exporter/core/fold/tail_stats.h"
#include "exporter/util/clock.h"

namespace pipeline_exporter {

struct ApplyReport {
  std::size_t applied = 0;
  std::vector<std::pair<const StageEvent*, InvalidReason>> rejected;  // into the input
};

class PipelineStore {
 public:
  PipelineStore(PipelineSpec spec, const Clock& clock);
  PipelineStore(const PipelineStore&) = delete;
  PipelineStore& operator=(const PipelineStore&) = delete;

  // Applies events in order under one lock, so a scrape never sees half a poll. `live`
  // events are told to the listener; rows read to complete a batch met late (SPEC §3 late
  // join) are history and are not.
  ApplyReport Apply(const std::vector<StageEvent>& events, bool live = true);

  // Control requests read from the control table, in id order; the listener is told the
  // state they led to (a batch now pausing or canceling).
  void ApplyControl(const std::vector<ControlRequest>& requests);

  void RecordPoll(const PollRecord& record);
  // The PostgreSQL listener's state (the first call makes its metrics appear).
  void RecordListener(ListenerEvent event);

  // The listener told about applied events; set before the tail starts. Borrowed.
  void SetListener(EventListener* listener) { listener_ = listener; }

  // Forgets every batch and counter (after the table was truncated or recreated) but keeps
  // the tail's own statistics.
  void Reset();

  PipelineSnapshot Snapshot() const;
  // The gauges of `batch_id` instead of the current batch; nullopt when it is not held.
  std::optional<PipelineSnapshot> SnapshotOfBatch(std::int64_t batch_id) const;
  // See PipelineState::History.
  std::vector<BatchSummary> History(std::optional<std::int64_t> before_run_start_id,
                                    std::size_t limit) const;
  std::optional<std::int64_t> OldestRunStartId() const;
  // See PipelineState::Workers.
  std::vector<WorkerRow> Workers(std::optional<std::int64_t> batch_id = std::nullopt) const;

  // See PipelineState::TypicalBatchDurationSeconds.
  double TypicalBatchDurationSeconds() const;
  // True when the batch's rows have been read (it is held, or was and was forgotten).
  bool Knows(std::int64_t batch_id) const;
  // True when the fold holds the batch (its views come from here).
  bool Holds(std::int64_t batch_id) const;
  // The batch's status when the fold holds it.
  std::optional<BatchStatus> StatusOf(std::int64_t batch_id) const;
  // The latest run's error groups when the fold holds the batch.
  std::optional<ErrorGroups> ErrorsOfBatch(std::int64_t batch_id) const;
  // The first event id of the batch's latest run when the fold holds it.
  std::optional<std::int64_t> RunStartId(std::int64_t batch_id) const;
  // The tail's statistics alone (no snapshot of the state).
  TailStats Tail() const;
  // "Now" as the store's views see it.
  std::int64_t Now() const { return clock_.Now(); }

  const std::string& name() const { return name_; }
  const PipelineSpec& spec() const { return spec_; }

 private:
  // The state and the tail's statistics now; mu_ must be held.
  PipelineSnapshot SnapshotLocked() const;

  const std::string name_;
  const PipelineSpec spec_;
  const Clock& clock_;
  mutable std::mutex mu_;
  PipelineState state_;
  TailStats tail_;
  std::int64_t newest_event_ms_ = 0;
  EventListener* listener_ = nullptr;
};

}  // namespace pipeline_exporter

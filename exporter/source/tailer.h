#pragma once
// Follows one pipeline's event log: on start it replays the configured window, then polls
// for rows after its high-water mark (and for ids still missing below it, see IdTracker)
// every poll interval or when nudged (a NOTIFY, a changed SQLite file, a write through the
// API: see Nudge), applies each row exactly once to the PipelineStore and records every
// poll's outcome there. Late join (SPEC §3): when it meets a row of a batch the store holds
// no rows of (and that row is not a batch_start), it first reads that batch's earlier rows
// from the start of its latest run, so no view shows half a run — this is also how the
// replay completes batches that began before the window.
// When the table's ids go backwards (truncated or recreated) it
// resets the store and replays. A failing database is retried with
// capped exponential backoff; bad rows are counted by the store and logged rate-limited.
// Owns its polling thread (non-copyable); borrows the store, source, locator and clock,
// which must outlive it. Start/Stop from one controlling thread; PollOnce is for tests that
// drive it synchronously instead of starting the thread.

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "exporter/core/fold/id_tracker.h"
#include "exporter/core/fold/invalid_reason.h"
#include "exporter/core/fold/pipeline_store.h"
#include "exporter/core/fold/wake_source.h"
#include "exporter/core/ports/batch_run_reader.h"
#include "exporter/core/ports/control_reader.h"
#include "exporter/source/event_source.h"
#include "exporter/source/replay_locator.h"
#include "exporter/util/clock.h"
#include "exporter/util/log_rate_limiter.h"

namespace pipeline_exporter {

struct TailerOptions {
  std::chrono::milliseconds poll_interval{500};
  std::int64_t replay_ms = 7LL * 24 * 3600 * 1000;
  std::size_t fetch_limit = 10000;
  std::chrono::milliseconds max_backoff{30000};
  std::int64_t gap_grace_ms = 60 * 1000;  // how long a missing id is waited for
  std::size_t max_gaps_per_query = 500;
};

class Tailer {
 public:
  Tailer(PipelineStore& store, EventSource& source, ReplayLocator& locator, BatchRunReader& runs,
         const Clock& clock, TailerOptions options);
  ~Tailer();
  Tailer(const Tailer&) = delete;
  Tailer& operator=(const Tailer&) = delete;

  void Start();
  void Stop();  // idempotent; returns once the thread has exited

  // One poll: the replay first if not done yet, then every row available now. Returns
  // false when the database failed.
  bool PollOnce();

  // Makes the polling thread poll now instead of at the end of its interval; `source` is
  // what the poll is counted under (pipeline_exporter_wakeups_total). Nudges that arrive
  // before the thread wakes make one poll, counted under the first. Thread-safe.
  void Nudge(WakeSource source = WakeSource::kApi);

  // Also reads the batch control requests (after the events of each poll). Set before
  // Start(); borrowed. `warn_missing`: an unreadable control table is a warning (else info).
  void SetControlReader(ControlReader* reader, bool warn_missing = true) {
    control_ = reader;
    control_warn_ = warn_missing;
  }

 private:
  void Run();
  void LogRejected(const ApplyReport& report);

  PipelineStore& store_;
  EventSource& source_;
  ReplayLocator& locator_;
  BatchRunReader& runs_;
  const Clock& clock_;
  const TailerOptions options_;

  void Replay();
  void HandleRegression(std::int64_t max_id);
  // Reads the control requests after the last one read; a missing control table (migration
  // 002 not applied) is said once and tried again a minute later, the events unaffected.
  void ReadControl();
  // Reads and applies (quietly) the earlier rows of the batches `fresh` meets late.
  void LateJoin(const std::vector<StageEvent>& fresh, std::int64_t db_now);

  ControlReader* control_ = nullptr;
  std::int64_t control_seen_ = 0;
  bool control_failing_ = false;
  bool control_warn_ = true;
  std::int64_t control_retry_ms_ = 0;
  bool replayed_ = false;
  std::int64_t replay_floor_ = 0;  // rows up to this id were never read by the tail
  IdTracker tracker_;
  int consecutive_failures_ = 0;
  LogRateLimiter error_log_{10000};
  // Events more than this ahead of the database's clock are reported (SPEC §4 clock skew).
  static constexpr std::int64_t kFutureToleranceMs = 5000;
  LogRateLimiter skew_log_{60000};
  std::array<LogRateLimiter, kInvalidReasonCount> invalid_log_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::optional<WakeSource> nudged_by_;  // under mu_
  std::optional<WakeSource> woke_by_;    // the poll thread's: what started the next poll
  std::size_t last_rows_read_ = 0;       // by the latest poll
  FetchResult fetched_;                  // the poll thread's page buffer
  std::thread thread_;
};

}  // namespace pipeline_exporter

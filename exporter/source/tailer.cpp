#include "exporter/source/tailer.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "exporter/util/logfmt.h"

namespace pipeline_exporter {

Tailer::Tailer(PipelineStore& store, EventSource& source, ReplayLocator& locator,
               BatchRunReader& runs, const Clock& clock, TailerOptions options)
    : store_(store),
      source_(source),
      locator_(locator),
      runs_(runs),
      clock_(clock),
      options_(options),
      tracker_(options.gap_grace_ms) {}

Tailer::~Tailer() { Stop(); }

void Tailer::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void Tailer::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Tailer::Nudge(WakeSource source) {
  {
    std::lock_guard lock(mu_);
    if (!nudged_by_) nudged_by_ = source;
  }
  wake_.notify_all();
}

void Tailer::ReadControl() {
  constexpr std::size_t kPage = 500;
  try {
    for (;;) {
      const std::vector<ControlRequest> rows = control_->ReadControlAfter(control_seen_, kPage);
      if (rows.empty()) break;
      control_seen_ = rows.back().id;
      store_.ApplyControl(rows);
      if (rows.size() < kPage) break;
    }
    if (control_failing_) {
      spdlog::info("pipeline={} msg=\"batch control requests readable again\"", store_.name());
    }
    control_failing_ = false;
  } catch (const std::exception& e) {
    if (!control_failing_) {
      spdlog::log(control_warn_ ? spdlog::level::warn : spdlog::level::info,
                  "pipeline={} msg=\"batch control requests cannot be read (is migration 002 "
                  "applied?); trying again in a minute\" error={}",
                  store_.name(), LogfmtQuote(e.what()));
    }
    control_failing_ = true;
    control_retry_ms_ = clock_.Now() + 60'000;
  }
}

bool Tailer::PollOnce() {
  const auto started = std::chrono::steady_clock::now();
  PollRecord record;
  record.woke_by = std::exchange(woke_by_, std::nullopt);
  try {
    if (!replayed_) Replay();
    std::int64_t db_now = clock_.Now();
    std::size_t rows_read = 0;
    std::int64_t newest_ms = 0;
    for (;;) {
      FetchResult& fetched = fetched_;  // one buffer for every page of a catch-up
      source_.FetchInto(tracker_.max_seen(), tracker_.OpenGaps(options_.max_gaps_per_query),
                        options_.fetch_limit, fetched);
      if (fetched.db_now_ms) db_now = *fetched.db_now_ms;
      record.db_now_ms = fetched.db_now_ms;
      if (fetched.events.empty() && fetched.max_id && *fetched.max_id < tracker_.max_seen()) {
        HandleRegression(*fetched.max_id);
        record.id_regressed = true;
        Replay();
        continue;
      }
      const std::size_t got = fetched.events.size();
      rows_read += got;
      std::vector<StageEvent>& fresh = fetched.events;
      for (const StageEvent& e : fresh) newest_ms = std::max(newest_ms, e.timestamp_ms);
      // In place, each row asked once and in order: the rows read before are dropped.
      fresh.erase(
          std::remove_if(fresh.begin(), fresh.end(),
                         [&](const StageEvent& e) { return !tracker_.Accept(e.id, db_now); }),
          fresh.end());
      if (!fresh.empty()) {
        LateJoin(fresh, db_now);
        LogRejected(store_.Apply(fresh));
      }
      if (got < options_.fetch_limit) break;
      std::lock_guard lock(mu_);
      if (stop_) break;
    }
    fetched_.events.clear();  // the capacity stays for the next poll
    // A catch-up (replay at start, or after an outage) leaves this thread's malloc arena
    // holding the fetch buffers' peak; hand it back rather than keep it for good.
    if (rows_read >= options_.fetch_limit) {
      fetched_ = FetchResult{};
      malloc_trim(0);
    }
    last_rows_read_ = rows_read;
    if (control_ && clock_.Now() >= control_retry_ms_) ReadControl();
    record.gaps_expired = tracker_.Expire(db_now) + tracker_.TakeOverflowed();
    if (record.gaps_expired > 0) {
      spdlog::info(
          "pipeline={} msg=\"gave up waiting for missing event ids\" count={} "
          "grace_ms={}",
          store_.name(), record.gaps_expired, options_.gap_grace_ms);
    }
    if (newest_ms > db_now + kFutureToleranceMs) {
      if (auto suppressed = skew_log_.Admit(clock_.Now())) {
        spdlog::warn(
            "pipeline={} msg=\"events are stamped in the future of the database's clock: are "
            "the writers' sessions in UTC?\" ahead_seconds={:.1f} suppressed={}",
            store_.name(), static_cast<double>(newest_ms - db_now) / 1000.0, *suppressed);
      }
    }
    record.ok = true;
    if (consecutive_failures_ > 0) {
      spdlog::info("pipeline={} msg=\"database reachable again\" after_failures={}", store_.name(),
                   consecutive_failures_);
    }
    consecutive_failures_ = 0;
  } catch (const std::exception& e) {
    last_rows_read_ = 0;
    ++consecutive_failures_;
    if (auto suppressed = error_log_.Admit(clock_.Now())) {
      spdlog::error("pipeline={} msg=\"poll failed\" error={} suppressed={}", store_.name(),
                    LogfmtQuote(e.what()), *suppressed);
    }
  }
  record.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  record.finished_ms = clock_.Now();
  record.high_water_mark = tracker_.max_seen();
  store_.RecordPoll(record);
  return record.ok;
}

void Tailer::Replay() {
  const std::int64_t cutoff = clock_.Now() - options_.replay_ms;
  const std::int64_t after = locator_.StartAfterId(cutoff);
  tracker_.Reset(after);
  replay_floor_ = after;
  replayed_ = true;
  spdlog::info("pipeline={} msg=\"replaying event log\" after_id={} window_ms={}", store_.name(),
               after, options_.replay_ms);
}

void Tailer::LateJoin(const std::vector<StageEvent>& fresh, std::int64_t db_now) {
  std::vector<std::int64_t> met;
  for (const StageEvent& e : fresh) {
    if (std::find(met.begin(), met.end(), e.batch_id) != met.end()) continue;
    met.push_back(e.batch_id);
    // A batch_start begins a run: nothing earlier belongs to it.
    if (e.event_type == "batch_start" || store_.Knows(e.batch_id)) continue;
    RunPage page;
    page.batch_id = e.batch_id;
    page.before_id = e.id;
    page.limit = options_.fetch_limit;
    for (;;) {
      std::vector<StageEvent> rows = runs_.ReadRun(page);
      const bool more = rows.size() >= page.limit;
      if (!rows.empty()) page.after_id = rows.back().id;
      // Rows the tail has read already (gaps aside) were applied, or rejected, then.
      std::vector<StageEvent> unread;
      unread.reserve(rows.size());
      for (StageEvent& r : rows) {
        if (r.id <= replay_floor_ || tracker_.Accept(r.id, db_now)) unread.push_back(std::move(r));
      }
      if (!unread.empty()) LogRejected(store_.Apply(unread, /*live=*/false));
      if (!more) break;
    }
  }
}

void Tailer::HandleRegression(std::int64_t max_id) {
  spdlog::warn(
      "pipeline={} msg=\"event ids went backwards: the table was truncated or recreated; "
      "rebuilding the state from it\" max_id={} last_seen_id={}",
      store_.name(), max_id, tracker_.max_seen());
  store_.Reset();
  control_seen_ = 0;  // the requests of the batches read again apply again
}

void Tailer::LogRejected(const ApplyReport& report) {
  for (const auto& [event, reason] : report.rejected) {
    auto& limiter = invalid_log_[static_cast<std::size_t>(reason)];
    if (auto suppressed = limiter.Admit(clock_.Now())) {
      spdlog::warn("pipeline={} msg=\"invalid event skipped\" id={} reason={} suppressed={}",
                   store_.name(), event->id, InvalidReasonName(reason), *suppressed);
    }
  }
}

void Tailer::Run() {
  // SQLite in WAL mode makes a commit visible in its shared-memory index only after writing
  // (and syncing) the -wal file that inotify saw change, so a read woken by that change can
  // come too early and miss the row. A read woken by inotify is therefore followed by reads
  // 1, 2, 4 … 256 ms later (from 1 ms again whenever one finds rows or a new change is seen),
  // until 256 ms pass with nothing new; they are counted as wake-ups of the same source.
  constexpr std::chrono::milliseconds kMaxSettle{256};
  std::chrono::milliseconds settle{0};
  bool follow_up = false;  // this poll is one of those reads, not a fresh wake-up
  for (;;) {
    const std::optional<WakeSource> woke_by = woke_by_;
    PollOnce();
    auto wait = options_.poll_interval;
    if (woke_by != WakeSource::kInotify || consecutive_failures_ > 0) {
      settle = std::chrono::milliseconds(0);
    } else if (!follow_up || last_rows_read_ > 0) {
      settle = std::chrono::milliseconds(1);
    } else {
      settle *= 2;
    }
    const bool early = settle.count() > 0 && settle <= kMaxSettle;
    if (early) wait = std::min(wait, settle);
    if (consecutive_failures_ > 0) {
      // Capped exponential backoff: 1×, 2×, 4×… the poll interval, at most max_backoff.
      const int shift = std::min(consecutive_failures_ - 1, 16);
      wait = std::min<std::chrono::milliseconds>(
          options_.max_backoff, options_.poll_interval * (std::int64_t{1} << shift));
    }
    std::unique_lock lock(mu_);
    const bool nudged = wake_.wait_for(lock, wait, [this] { return stop_ || nudged_by_; });
    if (stop_) return;
    if (nudged) {
      woke_by_ = std::exchange(nudged_by_, std::nullopt);
      follow_up = false;
    } else {
      woke_by_ = early ? *woke_by : WakeSource::kPoll;
      follow_up = early;
    }
  }
}

}  // namespace pipeline_exporter

#pragma once
// An in-memory event log behind every row seam: the tail's (EventSource, ReplayLocator) and
// the API's (BatchRunReader, EventLookup, LogSearch, EventsAfterReader, RunStartLister,
// EventAppender). Tests append events, can make the "database" fail, and see what was asked.
// It selects rows by the same rules the SQL does (SPEC §3 run starts), and derives nothing.
// Thread-safe.

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <stdexcept>
#include <vector>

#include "exporter/core/ports/batch_run_reader.h"
#include "exporter/core/ports/control_appender.h"
#include "exporter/core/ports/control_reader.h"
#include "exporter/core/ports/event_appender.h"
#include "exporter/core/ports/event_lookup.h"
#include "exporter/core/ports/events_after_reader.h"
#include "exporter/core/ports/log_search.h"
#include "exporter/core/ports/run_start_lister.h"
#include "exporter/source/event_source.h"
#include "exporter/source/replay_locator.h"

namespace pipeline_exporter {

class FakeEventLog final : public EventSource,
                           public ReplayLocator,
                           public BatchRunReader,
                           public EventLookup,
                           public LogSearch,
                           public EventsAfterReader,
                           public RunStartLister,
                           public EventAppender,
                           public ControlAppender,
                           public ControlReader {
 public:
  void Append(StageEvent e) {
    std::lock_guard lock(mu_);
    if (e.id == 0) e.id = next_id_;
    next_id_ = std::max(next_id_, e.id + 1);
    auto at = std::upper_bound(log_.begin(), log_.end(), e.id,
                               [](std::int64_t id, const StageEvent& x) { return id < x.id; });
    log_.insert(at, std::move(e));
  }
  void SetDown(bool down) {
    std::lock_guard lock(mu_);
    down_ = down;
  }
  int fetches() const {
    std::lock_guard lock(mu_);
    return fetches_;
  }
  int run_reads() const {
    std::lock_guard lock(mu_);
    return run_reads_;
  }
  // Rows can be removed, as a truncation would.
  void Clear() {
    std::lock_guard lock(mu_);
    log_.clear();
    next_id_ = 1;
  }
  std::vector<std::int64_t> last_also_ids() const {
    std::lock_guard lock(mu_);
    return last_also_ids_;
  }

  void FetchInto(std::int64_t after_id, const std::vector<std::int64_t>& also_ids,
                 std::size_t limit, FetchResult& r) override {
    std::lock_guard lock(mu_);
    ++fetches_;
    last_also_ids_ = also_ids;
    Check();
    r = FetchResult{};
    std::int64_t max_id = 0;
    for (const auto& e : log_) {
      max_id = std::max(max_id, e.id);
      const bool wanted =
          e.id > after_id || std::find(also_ids.begin(), also_ids.end(), e.id) != also_ids.end();
      if (wanted && r.events.size() < limit) r.events.push_back(Listed(e));
    }
    r.db_now_ms = db_now_ms;
    r.max_id = max_id;
  }

  std::int64_t StartAfterId(std::int64_t cutoff_ms) override {
    std::lock_guard lock(mu_);
    Check();
    for (const auto& e : log_) {
      if (e.timestamp_ms >= cutoff_ms) return e.id - 1;
    }
    return next_id_ - 1;
  }

  std::vector<StageEvent> ReadRun(const RunPage& page) override {
    std::lock_guard lock(mu_);
    ++run_reads_;
    Check();
    const std::int64_t before = page.before_id > 0 ? page.before_id : INT64_MAX;
    std::int64_t from = page.after_id + 1;
    if (page.after_id <= 0) {
      // The same selection as the SQL: after the last outcome before the last batch_start.
      std::int64_t first = 0, last_start = 0, outcome = 0;
      for (const auto& e : log_) {
        if (e.batch_id != page.batch_id || e.id >= before) continue;
        if (first == 0) first = e.id;
        if (e.event_type == "batch_start") last_start = e.id;
      }
      if (first == 0) return {};
      from = first;
      if (last_start > 0) {
        for (const auto& e : log_) {
          if (e.batch_id == page.batch_id && e.id < last_start &&
              (e.event_type == "batch_complete" || e.event_type == "batch_failed")) {
            outcome = e.id;
          }
        }
        if (outcome > 0) {
          from = last_start;
          for (const auto& e : log_) {
            if (e.batch_id == page.batch_id && e.id > outcome && e.event_type == "batch_start") {
              from = e.id;
              break;
            }
          }
        }
      }
    }
    std::vector<StageEvent> out;
    for (const auto& e : log_) {
      if (e.batch_id != page.batch_id || e.id < from || e.id >= before) continue;
      if (out.size() == page.limit) break;
      out.push_back(page.payloads ? e : Listed(e));
    }
    return out;
  }

  std::optional<StageEvent> FindEvent(std::int64_t id) override {
    std::lock_guard lock(mu_);
    Check();
    for (const auto& e : log_) {
      if (e.id == id) return e;
    }
    return std::nullopt;
  }

  LogPage Search(const LogFilter& f) override {
    std::lock_guard lock(mu_);
    Check();
    LogPage out;
    const bool bounded = f.max_scan > 0 && (f.search || !f.event_types.empty());
    std::size_t scanned = 0;
    for (auto it = log_.rbegin(); it != log_.rend() && out.events.size() < f.limit; ++it) {
      const StageEvent& e = *it;
      if (e.batch_id != f.batch_id) continue;
      if (f.stage && e.stage != *f.stage) continue;
      if (f.before_id && e.id >= *f.before_id) continue;
      if (bounded && ++scanned == f.max_scan) out.scanned_from = e.id;
      const bool type_ok = f.event_types.empty() ||
                           std::find(f.event_types.begin(), f.event_types.end(), e.event_type) !=
                               f.event_types.end();
      const bool text_ok =
          !f.search || Contains(e.file_name, *f.search) || Contains(e.error_message, *f.search);
      if (type_ok && text_ok) out.events.push_back(Listed(e));
      if (out.scanned_from) break;
    }
    return out;
  }

  std::vector<StageEvent> ReadAfter(std::int64_t after_id, std::size_t limit) override {
    std::lock_guard lock(mu_);
    Check();
    std::vector<StageEvent> out;
    for (const auto& e : log_) {
      if (e.id > after_id && out.size() < limit) out.push_back(Listed(e));
    }
    return out;
  }

  std::vector<StageEvent> ListRunStarts(std::int64_t before_id, std::size_t limit) override {
    std::lock_guard lock(mu_);
    Check();
    std::set<std::int64_t> firsts;
    std::set<std::int64_t> batches;
    for (const auto& e : log_) {
      if (batches.insert(e.batch_id).second) firsts.insert(e.id);
    }
    std::vector<StageEvent> out;
    for (auto it = log_.rbegin(); it != log_.rend() && out.size() < limit; ++it) {
      if ((it->event_type == "batch_start" || firsts.count(it->id)) && it->id < before_id) {
        out.push_back(Listed(*it));
      }
    }
    return out;
  }

  std::vector<std::int64_t> Append(const std::vector<StageEvent>& rows) override {
    std::vector<std::int64_t> ids;
    {
      std::lock_guard lock(mu_);
      Check();
    }
    for (StageEvent e : rows) {
      e.id = 0;
      e.timestamp_ms = db_now_ms;  // the database's default
      Append(std::move(e));
      std::lock_guard lock(mu_);
      ids.push_back(next_id_ - 1);
    }
    return ids;
  }

  // The control table: rows get the next id and the database's clock.
  ControlRequest AppendControl(const ControlRequest& request) override {
    std::lock_guard lock(mu_);
    Check();
    if (no_control_table_) throw std::runtime_error("no such table: batchControl (fake)");
    ControlRequest r = request;
    r.id = static_cast<std::int64_t>(control_.size()) + 1;
    r.requested_at_ms = db_now_ms;
    control_.push_back(r);
    return r;
  }
  std::vector<ControlRequest> ReadControlAfter(std::int64_t after_id, std::size_t limit) override {
    std::lock_guard lock(mu_);
    Check();
    if (no_control_table_) throw std::runtime_error("no such table: batchControl (fake)");
    std::vector<ControlRequest> out;
    for (const auto& r : control_) {
      if (r.id > after_id && out.size() < limit) out.push_back(r);
    }
    return out;
  }
  // As a table created by migration 001 alone.
  void SetNoControlTable(bool missing) {
    std::lock_guard lock(mu_);
    no_control_table_ = missing;
  }
  std::size_t control_rows() const {
    std::lock_guard lock(mu_);
    return control_.size();
  }

  std::int64_t db_now_ms = 1'700'000'000'000;

 private:
  void Check() const {
    if (down_) throw std::runtime_error("connection refused (fake)");
  }
  // As a list query reads it: no payload columns.
  static StageEvent Listed(StageEvent e) {
    e.request_payload.reset();
    e.response.reset();
    e.full_error_message.reset();
    return e;
  }
  static bool Contains(const std::optional<std::string>& text, const std::string& q) {
    if (!text) return false;
    auto lower = [](std::string s) {
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    return lower(*text).find(lower(q)) != std::string::npos;
  }

  mutable std::mutex mu_;
  std::vector<StageEvent> log_;  // ascending id
  std::int64_t next_id_ = 1;
  bool down_ = false;
  bool no_control_table_ = false;
  std::vector<ControlRequest> control_;
  int fetches_ = 0;
  int run_reads_ = 0;
  std::vector<std::int64_t> last_also_ids_;
};

}  // namespace pipeline_exporter

#pragma once
// An in-memory event log behind the EventSource and ReplayLocator seams: tests append
// events, can make the "database" fail, and see what the tail asked for. Thread-safe.

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "exporter/source/event_source.h"
#include "exporter/source/replay_locator.h"

namespace pipeline_exporter {

class FakeEventSource final : public EventSource, public ReplayLocator {
 public:
  void Append(StageEvent e) {
    std::lock_guard lock(mu_);
    if (e.id == 0) e.id = next_id_;
    next_id_ = std::max(next_id_, e.id + 1);
    log_.push_back(std::move(e));
  }
  void SetDown(bool down) {
    std::lock_guard lock(mu_);
    down_ = down;
  }
  int fetches() const {
    std::lock_guard lock(mu_);
    return fetches_;
  }

  FetchResult FetchAfter(std::int64_t after_id, const std::vector<std::int64_t>& also_ids,
                         std::size_t limit) override {
    std::lock_guard lock(mu_);
    ++fetches_;
    last_also_ids_ = also_ids;
    if (down_) throw std::runtime_error("connection refused (fake)");
    std::vector<StageEvent> sorted = log_;
    std::sort(sorted.begin(), sorted.end(),
              [](const StageEvent& a, const StageEvent& b) { return a.id < b.id; });
    FetchResult r;
    std::int64_t max_id = 0;
    for (const auto& e : sorted) {
      max_id = std::max(max_id, e.id);
      const bool wanted =
          e.id > after_id || std::find(also_ids.begin(), also_ids.end(), e.id) != also_ids.end();
      if (wanted && r.events.size() < limit) r.events.push_back(e);
    }
    r.db_now_ms = db_now_ms;
    r.max_id = max_id;
    return r;
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

  std::int64_t StartAfterId(std::int64_t cutoff_ms) override {
    std::lock_guard lock(mu_);
    if (down_) throw std::runtime_error("connection refused (fake)");
    std::int64_t first = -1;
    for (const auto& e : log_) {
      if (e.timestamp_ms >= cutoff_ms && (first < 0 || e.id < first)) first = e.id;
    }
    if (first < 0) return next_id_ - 1;
    std::vector<std::int64_t> active;
    for (const auto& e : log_) {
      if (e.id >= first) active.push_back(e.batch_id);
    }
    std::int64_t start = first;
    for (const auto& e : log_) {
      if (std::find(active.begin(), active.end(), e.batch_id) != active.end()) {
        start = std::min(start, e.id);
      }
    }
    return start - 1;
  }

  std::int64_t db_now_ms = 0;

 private:
  mutable std::mutex mu_;
  std::vector<StageEvent> log_;
  std::int64_t next_id_ = 1;
  bool down_ = false;
  int fetches_ = 0;
  std::vector<std::int64_t> last_also_ids_;
};

}  // namespace pipeline_exporter

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

  FetchResult FetchAfter(std::int64_t after_id, std::size_t limit) override {
    std::lock_guard lock(mu_);
    ++fetches_;
    if (down_) throw std::runtime_error("connection refused (fake)");
    FetchResult r;
    for (const auto& e : log_) {
      if (e.id > after_id && r.events.size() < limit) r.events.push_back(e);
    }
    std::sort(r.events.begin(), r.events.end(),
              [](const StageEvent& a, const StageEvent& b) { return a.id < b.id; });
    r.db_now_ms = db_now_ms;
    return r;
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
};

}  // namespace pipeline_exporter

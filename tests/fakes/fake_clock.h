#pragma once
// A Clock that stands still until a test moves it. Thread-safe (atomic).

#include <atomic>
#include <cstdint>

#include "exporter/util/clock.h"

namespace pipeline_exporter {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t now_ms = 1'700'000'000'000) : now_(now_ms) {}
  std::int64_t Now() const override { return now_.load(); }
  void Set(std::int64_t now_ms) { now_ = now_ms; }
  void Advance(std::int64_t ms) { now_ += ms; }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace pipeline_exporter

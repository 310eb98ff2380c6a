#pragma once
// The time seam: everything in the core that needs "now" asks a Clock, so tests inject a
// FakeClock (tests/fakes/fake_clock.h) instead of sleeping. Implementations must be
// thread-safe; SystemClock is.

#include <cstdint>

namespace pipeline_exporter {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC epoch milliseconds.
  virtual std::int64_t Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t Now() const override;
};

}  // namespace pipeline_exporter

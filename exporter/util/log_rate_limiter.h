#pragma once
// Lets one log line through per interval and counts the ones held back, so a flood of
// bad rows or failing polls cannot flood the log (SPEC §8). Time is passed in.
// Not thread-safe; each owner keeps its own.

#include <cstdint>
#include <optional>

namespace pipeline_exporter {

class LogRateLimiter {
 public:
  explicit LogRateLimiter(std::int64_t interval_ms = 10000) : interval_ms_(interval_ms) {}

  // When this line may be logged: the number suppressed since the last logged one.
  // nullopt when it must be suppressed (and is counted).
  std::optional<std::uint64_t> Admit(std::int64_t now_ms) {
    if (last_ms_ && now_ms - *last_ms_ < interval_ms_) {
      ++suppressed_;
      return std::nullopt;
    }
    last_ms_ = now_ms;
    const std::uint64_t n = suppressed_;
    suppressed_ = 0;
    return n;
  }

 private:
  std::int64_t interval_ms_;
  std::optional<std::int64_t> last_ms_;
  std::uint64_t suppressed_ = 0;
};

}  // namespace pipeline_exporter

#include "exporter/util/clock.h"

#include <chrono>

namespace pipeline_exporter {

std::int64_t SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace pipeline_exporter

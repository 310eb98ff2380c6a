#include "exporter/util/iso_time.h"

#include <cstdio>
#include <ctime>

namespace pipeline_exporter {

std::string IsoTime(std::int64_t epoch_ms) {
  // Floor division, so times before 1970 keep a millisecond part in 0..999.
  std::int64_t secs = epoch_ms / 1000;
  std::int64_t ms = epoch_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

}  // namespace pipeline_exporter

#pragma once
// What made the tail read its table: the `source` label of pipeline_exporter_wakeups_total.
// Plain value type.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pipeline_exporter {

enum class WakeSource : std::uint8_t {
  kPoll,     // the poll interval ran out (the safety net; MySQL/MariaDB's only path)
  kNotify,   // a PostgreSQL NOTIFY from migration 003's trigger (or the listener reconnected)
  kInotify,  // the SQLite file, its -wal or its -journal changed
  kApi,      // this exporter wrote the row itself (the ingest endpoint, batch control)
};

inline constexpr std::size_t kWakeSourceCount = 4;
inline constexpr std::array<WakeSource, kWakeSourceCount> kAllWakeSources = {
    WakeSource::kPoll, WakeSource::kNotify, WakeSource::kInotify, WakeSource::kApi};

constexpr std::string_view WakeSourceName(WakeSource source) {
  switch (source) {
    case WakeSource::kPoll:
      return "poll";
    case WakeSource::kNotify:
      return "notify";
    case WakeSource::kInotify:
      return "inotify";
    case WakeSource::kApi:
      return "api";
  }
  return "poll";
}

}  // namespace pipeline_exporter

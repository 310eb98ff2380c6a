#pragma once
// How the tail of one pipeline's table is doing, as recorded by the Tailer after every
// poll and served as the pipeline_exporter_* self-metrics. Plain value struct.

#include <cstdint>
#include <optional>

#include "exporter/core/histogram_data.h"

namespace pipeline_exporter {

inline std::vector<double> PollDurationBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

struct TailStats {
  bool db_up = false;
  std::optional<std::int64_t> last_success_ms;
  HistogramData poll_duration{PollDurationBuckets()};
  std::uint64_t poll_errors = 0;
  std::uint64_t gaps_expired = 0;
  std::uint64_t id_regressions = 0;
  std::int64_t last_event_id = 0;
  std::optional<double> lag_seconds;
  // Newest event timestamp − database now: > 0 when writers stamp events ahead of the
  // database's clock (e.g. a MySQL session that is not in UTC).
  std::optional<double> clock_skew_seconds;
};

// One poll's outcome, as the Tailer reports it.
struct PollRecord {
  bool ok = false;
  double duration_seconds = 0;
  std::int64_t finished_ms = 0;           // exporter clock
  std::optional<std::int64_t> db_now_ms;  // database clock, when the poll read it
  std::int64_t high_water_mark = 0;       // last event id read
  std::uint64_t gaps_expired = 0;         // newly given up in this poll
  bool id_regressed = false;              // the table's ids went backwards
};

}  // namespace pipeline_exporter

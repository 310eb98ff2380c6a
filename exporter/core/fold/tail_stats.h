#pragma once
// How the tail of one pipeline's table is doing, as recorded by the Tailer after every
// poll and served as the pipeline_exporter_* self-metrics. Plain value struct.

#include <array>
#include <cstdint>
#include <optional>

#include "exporter/core/fold/histogram_data.h"
#include "exporter/core/fold/wake_source.h"

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
  // Polls by what woke the tail (WakeSource order); the first poll at start is not counted.
  std::array<std::uint64_t, kWakeSourceCount> wakeups{};
  // The PostgreSQL LISTEN connection, for pipelines that have one (else nullopt): whether it
  // is listening now, and how often it was lost (dropped, or silent past its keepalive).
  std::optional<bool> listener_up;
  std::uint64_t listener_losses = 0;
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
  std::optional<WakeSource> woke_by;      // what started this poll (none: the first)
};

// A change of the LISTEN connection's state, as the PostgresListener reports it.
enum class ListenerEvent { kListening, kLost };

}  // namespace pipeline_exporter

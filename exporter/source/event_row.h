#pragma once
// One row to write into the event log, payloads included: what the demo simulator and the
// ingest endpoint insert. Unset fields are written as NULL; the timestamp is the database's
// default (now). Plain value struct.

#include <cstdint>
#include <optional>
#include <string>

#include "exporter/core/stage_event.h"

namespace pipeline_exporter {

struct EventRow {
  std::int64_t batch_id = 0;
  std::optional<std::string> stage;
  std::string event_type;
  std::optional<std::string> file_name;
  std::optional<std::string> gpu_ip;
  std::optional<std::int64_t> total_files;
  std::optional<std::int64_t> processed_files;
  std::optional<std::int64_t> failed_files;
  std::optional<std::int64_t> duration_ms;
  std::optional<std::string> request_payload;
  std::optional<std::string> response;
  std::optional<std::string> error_message;
};

// The event the tail would read back for this row, with the id and timestamp the database
// would give it (batch_start's payload becomes the batch metadata, as in the tail query).
inline StageEvent AsStageEvent(const EventRow& r, std::int64_t id, std::int64_t timestamp_ms) {
  StageEvent e;
  e.id = id;
  e.batch_id = r.batch_id;
  e.stage = r.stage.value_or("");
  e.event_type = r.event_type;
  e.file_name = r.file_name;
  e.gpu_ip = r.gpu_ip;
  e.total_files = r.total_files;
  e.processed_files = r.processed_files;
  e.failed_files = r.failed_files;
  e.duration_ms = r.duration_ms;
  if (r.event_type == "batch_start") e.batch_metadata = r.request_payload;
  e.error_message = r.error_message;
  e.timestamp_ms = timestamp_ms;
  return e;
}

}  // namespace pipeline_exporter

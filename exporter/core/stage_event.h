#pragma once
// One row of the event log as the exporter reads it (SPEC §2), with the timestamp already
// converted to UTC epoch milliseconds. Payload columns are not part of it: the tail never
// reads them, except the small batch metadata that batch_start carries in requestPayload.
// Plain value struct.

#include <cstdint>
#include <optional>
#include <string>

namespace pipeline_exporter {

struct StageEvent {
  std::int64_t id = 0;
  std::int64_t batch_id = 0;
  std::string stage;       // empty when the column is NULL
  std::string event_type;  // raw column text; validated by ValidateEvent
  std::optional<std::string> file_name;
  std::optional<std::string> gpu_ip;
  std::optional<std::int64_t> total_files;
  std::optional<std::int64_t> processed_files;
  std::optional<std::int64_t> failed_files;
  std::optional<std::int64_t> duration_ms;
  std::optional<std::string> batch_metadata;  // batch_start's requestPayload (capped)
  std::optional<std::string> error_message;   // capped; for the live stream, not the state
  std::int64_t timestamp_ms = 0;              // UTC epoch milliseconds
};

}  // namespace pipeline_exporter

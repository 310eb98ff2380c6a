#pragma once
// One row to write into the event log, payloads included: what the demo simulator and the
// ingest endpoint insert. Unset fields are written as NULL; the timestamp is the database's
// default (now). Plain value struct.

#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace pipeline_exporter

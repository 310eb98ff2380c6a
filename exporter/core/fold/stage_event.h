#pragma once
// One row of the event log (SPEC §2) — the one row struct every path uses: the tail, the
// queries behind the API, the stream, export and the writers (ingest, demo). The timestamp
// is UTC epoch milliseconds. Text is read with caps (source/event_columns.h is the one place
// they are set): the tail reads no payload column except batch_start's small metadata;
// payloads are read only for one event and for export. Plain value struct.

#include <cstdint>
#include <optional>
#include <string>

namespace pipeline_exporter {

// A text column cut to a cap, with the column's full length.
struct CappedText {
  std::string text;
  std::int64_t length = 0;  // characters in the database
  bool truncated = false;   // text is shorter than the column
};

// A whole text (a row being written).
inline CappedText WholeText(std::string text) {
  const auto length = static_cast<std::int64_t>(text.size());
  return CappedText{std::move(text), length, false};
}

struct StageEvent {
  std::int64_t id = 0;
  std::int64_t batch_id = 0;
  std::string stage;                     // empty when the column is NULL
  std::optional<std::string> sub_stage;  // substage_* events (migration 002's subStage)
  std::string event_type;                // raw column text; validated by ValidateEvent
  std::optional<std::string> file_name;
  std::optional<std::string> gpu_ip;
  std::optional<std::int64_t> total_files;
  std::optional<std::int64_t> processed_files;
  std::optional<std::int64_t> failed_files;
  std::optional<std::int64_t> duration_ms;
  std::optional<std::string> batch_metadata;  // batch_start's requestPayload (capped)
  std::optional<std::string> error_message;   // capped for lists, the log and the stream
  std::int64_t timestamp_ms = 0;              // UTC epoch milliseconds
  // Only when read (or written) with payloads: each column up to the payload cap.
  std::optional<CappedText> request_payload;
  std::optional<CappedText> response;
  std::optional<CappedText> full_error_message;
};

}  // namespace pipeline_exporter

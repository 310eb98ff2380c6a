// Fuzz target: an event whose every text field is arbitrary bytes (CR, LF, "\n\nevent: x",
// U+2028, NUL, invalid UTF-8) encoded as an SSE message. Invariants: exactly the three fields
// id/event/data and the blank line that ends the message, no CR anywhere, the event name is
// the one given, and data is one line of valid JSON that carries the fields' text (repaired
// only where it was not UTF-8) — so stored text can never forge a field or an event.

#include <fuzzer/FuzzedDataProvider.h>

#include <nlohmann/json.hpp>
#include <string>

#include "exporter/http/api_json.h"
#include "exporter/util/utf8.h"
#include "fuzz/fuzz_check.h"

namespace pe = pipeline_exporter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  static const char* kNames[] = {"batch_start",    "batch_complete", "stage_start",
                                 "stage_progress", "stage_complete", "file_start",
                                 "file_complete",  "error",          "snapshot"};
  const std::string name = kNames[in.ConsumeIntegralInRange<int>(0, 8)];
  pe::StageEvent e;
  e.id = in.ConsumeIntegralInRange<std::int64_t>(1, INT64_MAX);
  e.batch_id = in.ConsumeIntegral<std::int64_t>();
  e.stage = in.ConsumeRandomLengthString(100);
  e.event_type = name;
  e.file_name = in.ConsumeRandomLengthString(200);
  e.gpu_ip = in.ConsumeRandomLengthString(40);
  e.duration_ms = in.ConsumeIntegral<std::int64_t>();
  e.timestamp_ms = in.ConsumeIntegral<std::int64_t>();
  const std::string message = in.ConsumeRemainingBytesAsString();
  e.error_message = message;

  const std::string msg = pe::SseMessage(e.id, name, pe::Dump(pe::EventJson(e)));

  FUZZ_CHECK(msg.find('\r') == std::string::npos);
  FUZZ_CHECK(msg.size() >= 2 && msg.compare(msg.size() - 2, 2, "\n\n") == 0);
  const std::string body = msg.substr(0, msg.size() - 2);
  const std::size_t nl1 = body.find('\n');
  FUZZ_CHECK(nl1 != std::string::npos);
  const std::size_t nl2 = body.find('\n', nl1 + 1);
  FUZZ_CHECK(nl2 != std::string::npos);
  FUZZ_CHECK(body.find('\n', nl2 + 1) == std::string::npos);
  FUZZ_CHECK(body.substr(0, nl1) == "id: " + std::to_string(e.id));
  FUZZ_CHECK(body.substr(nl1 + 1, nl2 - nl1 - 1) == "event: " + name);
  const std::string line = body.substr(nl2 + 1);
  FUZZ_CHECK(line.rfind("data: ", 0) == 0);
  const std::string json_text = line.substr(6);
  FUZZ_CHECK(pe::IsValidUtf8(json_text));
  const auto j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!j.is_discarded() && j.is_object());
  if (pe::IsValidUtf8(*e.file_name)) FUZZ_CHECK(j.value("fileName", "") == *e.file_name);
  if (pe::IsValidUtf8(message) && !message.empty())
    FUZZ_CHECK(j.value("errorMessage", "") == message);
  return 0;
}

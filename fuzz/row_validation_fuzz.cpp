// Fuzz target: arbitrary rows (any bytes in every text column, any numbers) go through
// validation, into a pipeline's state and out as /metrics text. Invariants: validation gives
// exactly one verdict, an accepted row has a valid UTF-8 stage of bounded length, and the
// rendered exposition is valid UTF-8 with every line a comment or a sample — one bad row can
// never break the scrape.

#include <fuzzer/FuzzedDataProvider.h>

#include <string>
#include <vector>

#include "exporter/core/exposition/pipeline_collector.h"
#include "exporter/core/exposition/text_format.h"
#include "exporter/core/fold/event_validator.h"
#include "exporter/core/fold/pipeline_store.h"
#include "exporter/util/utf8.h"
#include "fuzz/fuzz_check.h"
#include "tests/fakes/fake_clock.h"

namespace pe = pipeline_exporter;

namespace {

std::optional<std::string> MaybeText(FuzzedDataProvider& in) {
  if (!in.ConsumeBool()) return std::nullopt;
  return in.ConsumeRandomLengthString(64);
}

std::optional<std::int64_t> MaybeNumber(FuzzedDataProvider& in) {
  if (!in.ConsumeBool()) return std::nullopt;
  return in.ConsumeIntegral<std::int64_t>();
}

std::string EventType(FuzzedDataProvider& in) {
  static const char* kTypes[] = {"batch_start",    "batch_complete", "stage_start",
                                 "stage_progress", "stage_complete", "file_start",
                                 "file_complete",  "error"};
  if (in.ConsumeBool()) return kTypes[in.ConsumeIntegralInRange<int>(0, 7)];
  return in.ConsumeRandomLengthString(20);
}

bool IsSampleOrComment(const std::string& line) {
  if (line.empty()) return false;
  if (line[0] == '#') return true;
  const char c = line[0];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  pe::FakeClock clock(1'700'000'000'000);
  pe::PipelineSpec spec;
  spec.max_stages = 8;
  pe::PipelineStore store(spec, clock);

  std::vector<pe::StageEvent> events;
  std::int64_t id = 0;
  while (in.remaining_bytes() > 0 && events.size() < 64) {
    pe::StageEvent e;
    e.id = ++id;
    e.batch_id = in.ConsumeIntegralInRange<std::int64_t>(-2, 3);
    e.stage = in.ConsumeBool() ? in.ConsumeRandomLengthString(80)
                               : std::string(in.ConsumeBool() ? "stt" : "denoise");
    e.event_type = EventType(in);
    e.file_name = MaybeText(in);
    e.gpu_ip = MaybeText(in);
    e.total_files = MaybeNumber(in);
    e.processed_files = MaybeNumber(in);
    e.failed_files = MaybeNumber(in);
    e.duration_ms = MaybeNumber(in);
    e.batch_metadata = MaybeText(in);
    e.error_message = MaybeText(in);
    e.timestamp_ms = in.ConsumeIntegralInRange<std::int64_t>(-1, 1'700'000'100'000);

    const pe::Validation v = pe::ValidateEvent(e);
    FUZZ_CHECK(v.type.has_value() != v.reason.has_value());
    if (v.type) {
      FUZZ_CHECK(pe::IsValidUtf8(e.stage));
      FUZZ_CHECK(e.stage.size() <= pe::kMaxStageLength);
      FUZZ_CHECK(e.batch_id > 0);
    }
    events.push_back(std::move(e));
  }
  store.Apply(events);
  clock.Advance(1000);

  pe::PipelineCollector collector({&store});
  std::string text;
  pe::AppendTextFormat(collector.Collect(), text);
  FUZZ_CHECK(pe::IsValidUtf8(text));
  FUZZ_CHECK(text.empty() || text.back() == '\n');
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    FUZZ_CHECK(IsSampleOrComment(text.substr(start, end - start)));
    start = end + 1;
  }
  return 0;
}

// Memory for months (issue "Lifetime"): the fold the exporter runs — a PipelineStore with its
// defaults (max_batches 500) — fed events in this process as the tail feeds them, pages of
// 10,000, with the resident set read from /proc/self/status as it goes.
//   (a) 20,000 batches of 200 files through 10 stages, back to back: RSS at batch 1,000 and at
//       batch 20,000 (target: within 10 %);
//   (b) one batch of 1,000,000 files through 3 stages (file_start + file_complete each): RSS
//       and what one file costs (target: ≤ 200 MB).
// Usage: memory_bench [--quick] (quick: 2,000 batches, 100,000 files; for CI's smoke run)

#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "exporter/core/fold/pipeline_store.h"
#include "exporter/util/clock.h"

using namespace pipeline_exporter;

namespace {

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// The clock the fold reads "now" from: the events' own time, as if they were live.
class EventClock final : public Clock {
 public:
  std::int64_t Now() const override { return now_; }
  std::int64_t now_ = 1'700'000'000'000;
};

class Feeder {
 public:
  Feeder(PipelineStore& store, EventClock& clock) : store_(store), clock_(clock) {
    page_.reserve(kPage);
  }
  StageEvent& Add(std::int64_t batch, const std::string& stage, const char* type) {
    if (page_.size() == kPage) Flush();
    StageEvent& e = page_.emplace_back();
    e.id = ++id_;
    e.batch_id = batch;
    e.stage = stage;
    e.event_type = type;
    e.timestamp_ms = clock_.now_ += 1;
    return e;
  }
  void Flush() {
    store_.Apply(page_);
    page_.clear();
  }
  std::int64_t events() const { return id_; }

 private:
  static constexpr std::size_t kPage = 10000;
  PipelineStore& store_;
  EventClock& clock_;
  std::vector<StageEvent> page_;
  std::int64_t id_ = 0;
};

void ManyBatches(int batches, int files, int stages) {
  EventClock clock;
  PipelineSpec spec;
  spec.name = "bench";
  PipelineStore store(spec, clock);
  Feeder feed(store, clock);
  std::printf("\n## (a) %d batches of %d files through %d stages, folded back to back\n\n", batches,
              files, stages);
  std::printf("| after batch | events | RSS | RSS after malloc_trim |\n|---|---|---|---|\n");
  const long start_kb = RssKb();
  long at_1000 = 0;
  for (int b = 1; b <= batches; ++b) {
    feed.Add(b, "", "batch_start").total_files = files;
    for (int s = 0; s < stages; ++s) {
      const std::string stage = "stage_" + std::to_string(s);
      feed.Add(b, stage, "stage_start").total_files = files;
      for (int f = 0; f < files; ++f) {
        StageEvent& e = feed.Add(b, stage, f % 50 == 7 ? "error" : "file_complete");
        e.file_name = "call_" + std::to_string(b) + "_" + std::to_string(f) + ".wav";
        e.gpu_ip = "10.0.3." + std::to_string(11 + f % 6);
        e.duration_ms = 200 + f % 900;
      }
      StageEvent& end = feed.Add(b, stage, "stage_complete");
      end.processed_files = files - files / 50;
      end.failed_files = files / 50;
    }
    feed.Add(b, "", "batch_complete");
    if (b == 1 || b == 100 || b == 1000 || b % 5000 == 0 || b == batches) {
      feed.Flush();
      const long rss = RssKb();
      malloc_trim(0);
      const long trimmed = RssKb();
      if (b == 1000) at_1000 = trimmed;
      std::printf("| %d | %lld | %.1f MB | %.1f MB |\n", b, static_cast<long long>(feed.events()),
                  rss / 1024.0, trimmed / 1024.0);
      std::fflush(stdout);
    }
  }
  const long end_kb = RssKb();
  if (at_1000 > 0) {
    std::printf(
        "\nRSS at batch %d against batch 1,000 (after malloc_trim): %+.1f %% (target: "
        "within ±10 %%); the process began at %.1f MB.\n",
        batches, 100.0 * static_cast<double>(end_kb - at_1000) / static_cast<double>(at_1000),
        start_kb / 1024.0);
  }
}

void OneHugeBatch(int files, int stages) {
  EventClock clock;
  PipelineSpec spec;
  spec.name = "bench";
  PipelineStore store(spec, clock);
  Feeder feed(store, clock);
  malloc_trim(0);
  const long before = RssKb();
  feed.Add(1, "", "batch_start").total_files = files;
  for (int s = 0; s < stages; ++s) {
    const std::string stage = "stage_" + std::to_string(s);
    feed.Add(1, stage, "stage_start").total_files = files;
  }
  // The stages run side by side, as a pipeline's do: every file through each in turn.
  for (int f = 0; f < files; ++f) {
    const std::string file = "bulk/2026/12/06/video_" + std::to_string(f) + ".mp4";
    for (int s = 0; s < stages; ++s) {
      const std::string stage = "stage_" + std::to_string(s);
      feed.Add(1, stage, "file_start").file_name = file;
      StageEvent& e = feed.Add(1, stage, f % 100 == 42 ? "error" : "file_complete");
      e.file_name = file;
      e.gpu_ip = "10.0.3." + std::to_string(11 + f % 8);
      e.duration_ms = 1000 + f % 5000;
    }
  }
  feed.Flush();
  const long after = RssKb();
  malloc_trim(0);
  const long trimmed = RssKb();
  std::printf("\n## (b) one batch of %d files through %d stages (%lld events)\n\n", files, stages,
              static_cast<long long>(feed.events()));
  std::printf(
      "| RSS before | RSS after | after malloc_trim | per file and stage |\n|---|---|---|---|\n");
  std::printf(
      "| %.1f MB | %.1f MB | %.1f MB | %.0f bytes |\n", before / 1024.0, after / 1024.0,
      trimmed / 1024.0,
      1024.0 * static_cast<double>(trimmed - before) / (static_cast<double>(files) * stages));
  std::printf("\nTarget: ≤ 200 MB for 1,000,000 files through 3 stages.\n");
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  std::printf("# memory_bench%s\n", quick ? " --quick" : "");
  ManyBatches(quick ? 2000 : 20000, 200, 10);
  OneHugeBatch(quick ? 100000 : 1000000, 3);
  return 0;
}

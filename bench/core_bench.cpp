// Core apply throughput: events per second folded into PipelineState (issue target:
// ≥ 2,000,000 events/s), and the cost of one snapshot + render at 200 stage series.

#include <benchmark/benchmark.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <string>
#include <vector>

#include "exporter/core/exposition/pipeline_collector.h"
#include "exporter/core/exposition/text_format.h"
#include "exporter/core/fold/pipeline_state.h"

namespace pipeline_exporter {
namespace {

// A realistic stream: batches of 500 files through 10 stages, file_start + file_complete
// per file, a checkpoint every 10 files, 1 % errors.
std::vector<StageEvent> MakeStream(std::size_t batches) {
  std::vector<StageEvent> out;
  std::int64_t id = 1;
  std::int64_t ts = 1'700'000'000'000;
  for (std::size_t b = 1; b <= batches; ++b) {
    auto add = [&](const std::string& stage, const char* type) -> StageEvent& {
      StageEvent e;
      e.id = id++;
      e.batch_id = static_cast<std::int64_t>(b);
      e.stage = stage;
      e.event_type = type;
      e.timestamp_ms = ts += 3;
      out.push_back(std::move(e));
      return out.back();
    };
    add("", "batch_start");
    for (int s = 0; s < 10; ++s) {
      const std::string stage = "stage_" + std::to_string(s);
      add(stage, "stage_start").total_files = 500;
      for (int f = 0; f < 500; ++f) {
        const std::string file = "call_" + std::to_string(b) + "_" + std::to_string(f) + ".wav";
        add(stage, "file_start").file_name = file;
        StageEvent& done = add(stage, f % 100 == 7 ? "error" : "file_complete");
        done.file_name = file;
        done.duration_ms = 200 + f % 900;
        if (f % 10 == 9) {
          StageEvent& cp = add(stage, "stage_progress");
          cp.processed_files = f + 1 - (f / 100);
          cp.failed_files = f / 100;
        }
      }
      StageEvent& end = add(stage, "stage_complete");
      end.processed_files = 495;
      end.failed_files = 5;
    }
    add("", "batch_complete");
  }
  return out;
}

void BM_CoreApply(benchmark::State& state) {
  const auto stream = MakeStream(4);
  for (auto _ : state) {
    PipelineSpec spec;
    PipelineState s(spec);
    for (const auto& e : stream) s.Apply(e);
    benchmark::DoNotOptimize(s.current_batch_id());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
BENCHMARK(BM_CoreApply)->Unit(benchmark::kMillisecond);

// Ten pipelines of 20 stages with `batches` batches folded, once per size: Google Benchmark
// calls a benchmark again for every estimate of its iterations, and folding 450 batches × 10
// pipelines takes seconds.
const std::vector<PipelineState>& FoldedPipelines(std::size_t batches) {
  static std::map<std::size_t, std::vector<PipelineState>> folded;
  if (const auto it = folded.find(batches); it != folded.end()) return it->second;
  std::vector<PipelineState> pipelines;
  const auto stream = MakeStream(batches);
  for (int p = 0; p < 10; ++p) {
    PipelineSpec spec;
    spec.name = "p" + std::to_string(p);
    for (int s = 0; s < 20; ++s) spec.stages.push_back({"stage_" + std::to_string(s), ""});
    pipelines.emplace_back(spec);
    for (const auto& e : stream) pipelines.back().Apply(e);
  }
  return folded.emplace(batches, std::move(pipelines)).first->second;
}

void BM_SnapshotAndRender200Series(benchmark::State& state) {
  const auto& pipelines = FoldedPipelines(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::vector<PipelineSnapshot> snaps;
    for (const auto& p : pipelines) snaps.push_back(p.Snapshot(1'700'000'100'000));
    auto families = PipelineCollector::Render(snaps);
    benchmark::DoNotOptimize(families.data());
  }
}
// The argument is the number of batches in the log: the cost must not grow with it.
BENCHMARK(BM_SnapshotAndRender200Series)->Arg(2)->Arg(50)->Arg(450)->Unit(benchmark::kMicrosecond);

// 10 pipelines × 20 stages (200 stage series), two batches each.
std::vector<PipelineSnapshot> TenPipelineSnapshots();

// OpenMetrics of the same 200 stage series, with the fold's exemplars (state.range(0) == 1)
// or without: the difference is what exemplars cost a scrape. Prints the bytes, the
// exemplars and, with them, the bytes each adds.
void BM_OpenMetrics200Series(benchmark::State& state) {
  const Exposition x = PipelineCollector::RenderExposition(TenPipelineSnapshots());
  const std::vector<std::vector<MetricExemplars>> none;
  const auto& exemplars = state.range(0) == 1 ? x.exemplars : none;
  std::size_t count = 0;
  for (const auto& family : exemplars) {
    for (const auto& m : family) {
      count += m.value ? 1 : 0;
      for (const auto& b : m.buckets) count += b ? 1 : 0;
    }
  }
  std::size_t last = 0;
  for (auto _ : state) {
    std::string text;
    text.reserve(last * 11 / 10 + 4096);
    AppendOpenMetrics(x.families, exemplars, text);
    last = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  std::string plain;
  AppendOpenMetrics(x.families, none, plain);
  state.counters["bytes"] = static_cast<double>(last);
  state.counters["exemplars"] = static_cast<double>(count);
  if (count > 0) {
    state.counters["bytes_per_exemplar"] =
        static_cast<double>(last - plain.size()) / static_cast<double>(count);
  }
}
BENCHMARK(BM_OpenMetrics200Series)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

std::vector<PipelineSnapshot> TenPipelineSnapshots() {
  std::vector<PipelineSnapshot> snaps;
  const auto stream = MakeStream(2);
  for (int p = 0; p < 10; ++p) {
    PipelineSpec spec;
    spec.name = "p" + std::to_string(p);
    for (int s = 0; s < 20; ++s) spec.stages.push_back({"stage_" + std::to_string(s), ""});
    PipelineState st(spec);
    for (const auto& e : stream) st.Apply(e);
    snaps.push_back(st.Snapshot(1'700'000'100'000));
  }
  return snaps;
}

void BM_SerializeText200Series(benchmark::State& state) {
  const auto families = PipelineCollector::Render(TenPipelineSnapshots());
  for (auto _ : state) {
    const std::string text = prometheus::TextSerializer().Serialize(families);
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_SerializeText200Series)->Unit(benchmark::kMicrosecond);

void BM_TextFormat200Series(benchmark::State& state) {
  const auto families = PipelineCollector::Render(TenPipelineSnapshots());
  std::size_t last = 0;
  for (auto _ : state) {
    std::string text;
    text.reserve(last * 11 / 10 + 4096);  // as MetricsHandler does
    AppendTextFormat(families, text);
    last = text.size();
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_TextFormat200Series)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pipeline_exporter

BENCHMARK_MAIN();

#include "exporter/source/demo_scenario.h"

#include <gtest/gtest.h>

#include <set>

#include "exporter/core/fold/pipeline_state.h"
#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kDemoT0 = 1'705'132'800'000;

// Feeds the scenario's rows, as the database would return them, into the real state.
struct Harness {
  Harness() : scenario(42, 1, 1.0) {
    PipelineSpec spec;
    spec.stages = DemoScenario::Stages();
    state.emplace(spec);
  }
  void Run(std::int64_t ms) {
    for (std::int64_t t = 0; t < ms; t += 100) {
      now += 100;
      Feed(scenario.Advance(100, now));
    }
  }
  // As the tail reads rows back: with the id and time the database gives them.
  void Feed(const std::vector<StageEvent>& rows) {
    for (const StageEvent& r : rows) {
      StageEvent e = r;
      e.id = ++id;
      e.timestamp_ms = now;
      types.insert(r.event_type);
      if (r.response) ++with_response;
      EXPECT_FALSE(state->Apply(e)) << "the demo wrote an invalid row: " << r.event_type;
    }
  }
  std::int64_t Processed() {
    std::int64_t n = 0;
    for (const auto& s : state->Snapshot(now).stages) n += s.processed + s.failed;
    return n;
  }
  DemoScenario scenario;
  std::optional<PipelineState> state;
  std::int64_t now = kDemoT0;
  std::int64_t id = 0;
  std::set<std::string> types;
  int with_response = 0;
};

TEST(DemoScenarioTest, TenStagesInOrder) {
  const auto stages = DemoScenario::Stages();
  ASSERT_EQ(stages.size(), 10u);
  EXPECT_EQ(stages.front().id, "file_distribution");
  EXPECT_EQ(stages[4].id, "stt");
  EXPECT_EQ(stages.back().id, "export");
}

TEST(DemoScenarioTest, EveryStageMovesWithinHalfAMinute) {
  Harness h;
  h.Run(30'000);
  const auto snap = h.state->Snapshot(h.now);
  ASSERT_TRUE(snap.current_batch);
  for (const auto& s : snap.stages) {
    EXPECT_NE(s.status, StageStatus::kPending) << s.id;
    EXPECT_GT(s.processed, 0) << s.id;
  }
}

TEST(DemoScenarioTest, BatchesCompleteConsistentlyAndTheNextOneStarts) {
  Harness h;
  h.Run(10 * 60'000);
  const auto snap = h.state->Snapshot(h.now);
  EXPECT_GE(snap.batches_complete_total, 3u);
  EXPECT_EQ(snap.batches_failed_total, 0u);
  for (const char* t :
       {"batch_start", "batch_complete", "stage_start", "stage_progress", "stage_complete",
        "file_start", "file_complete", "error", "warning", "info"}) {
    EXPECT_TRUE(h.types.count(t)) << t;
  }
  EXPECT_GT(h.with_response, 1000);
  for (const auto& s : snap.stages) {
    const std::uint64_t errors = s.events_total[static_cast<std::size_t>(EventType::kError)];
    const std::uint64_t done = s.events_total[static_cast<std::size_t>(EventType::kFileComplete)];
    // ~1.5 % errors.
    EXPECT_GT(errors, 0u) << s.id;
    EXPECT_LT(static_cast<double>(errors) / static_cast<double>(done), 0.04) << s.id;
    EXPECT_GT(s.typical_duration_seconds, 0) << s.id;
  }
  EXPECT_GT(snap.current_batch->id, 1);
}

TEST(DemoScenarioTest, PausesResumesAndCancelsAsAPipelineWould) {
  Harness h;
  h.Run(10'000);
  const std::int64_t batch = h.scenario.batch_id();
  h.Feed(h.scenario.Control(ControlAction::kPause));
  EXPECT_EQ(h.state->Snapshot(h.now).current_batch->status, BatchStatus::kPaused);
  EXPECT_TRUE(h.scenario.Control(ControlAction::kPause).empty());  // paused already
  const std::int64_t before = h.Processed();
  h.Run(5'000);
  EXPECT_EQ(h.Processed(), before);  // no work while paused
  h.Feed(h.scenario.Control(ControlAction::kResume));
  h.Run(5'000);
  EXPECT_GT(h.Processed(), before);
  h.Feed(h.scenario.Control(ControlAction::kCancel));
  auto snap = h.state->Snapshot(h.now);
  EXPECT_EQ(snap.current_batch->status, BatchStatus::kCanceled);
  EXPECT_TRUE(h.scenario.Control(ControlAction::kResume).empty());  // nothing running
  h.Run(60'000);                                                    // the next batch follows
  EXPECT_GT(h.state->Snapshot(h.now).current_batch->id, batch);
}

TEST(DemoScenarioTest, SameSeedSameRows) {
  DemoScenario a(7, 1, 1.0), b(7, 1, 1.0);
  for (int i = 0; i < 50; ++i) {
    const auto ra = a.Advance(100, kDemoT0 + i * 100);
    const auto rb = b.Advance(100, kDemoT0 + i * 100);
    ASSERT_EQ(ra.size(), rb.size());
    for (std::size_t j = 0; j < ra.size(); ++j) {
      EXPECT_EQ(ra[j].event_type, rb[j].event_type);
      EXPECT_EQ(ra[j].file_name, rb[j].file_name);
    }
  }
}

}  // namespace
}  // namespace pipeline_exporter

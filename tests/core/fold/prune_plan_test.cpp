#include "exporter/core/fold/prune_plan.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kDay = 24 * 3600 * 1000LL;
constexpr std::int64_t kPlanNow = 1'800'000'000'000;

// A batch whose newest row (id `last`) is `age` old, with `rows` rows.
BatchFacts Batch(std::int64_t id, std::int64_t last, std::int64_t age, std::int64_t rows = 10) {
  BatchFacts b;
  b.batch_id = id;
  b.last_id = last;
  b.last_ms = kPlanNow - age;
  b.rows = rows;
  b.last_start = last - rows + 1;
  b.last_outcome = last;  // ended with batch_complete
  return b;
}

std::vector<std::int64_t> Ids(const PrunePlan& p) {
  std::vector<std::int64_t> out;
  for (const auto& b : p.prune) out.push_back(b.batch_id);
  return out;
}

TEST(PrunePlanTest, OldEndedBatchesGoWholeOldestFirst) {
  PrunePolicy policy;
  policy.older_than_ms = 30 * kDay;
  const auto plan = PlanPrune({Batch(3, 300, 31 * kDay, 7), Batch(1, 100, 60 * kDay, 5),
                               Batch(2, 200, 29 * kDay), Batch(4, 400, 1 * kDay)},
                              policy, kPlanNow);
  EXPECT_EQ(Ids(plan), (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(plan.rows, 12);
  EXPECT_EQ(plan.kept_young, 2u);
}

TEST(PrunePlanTest, TheNewestNStayWhateverTheirAge) {
  PrunePolicy policy;
  policy.keep_batches = 2;
  const auto plan =
      PlanPrune({Batch(1, 100, 90 * kDay), Batch(2, 200, 80 * kDay), Batch(3, 300, 70 * kDay)},
                policy, kPlanNow);
  EXPECT_EQ(Ids(plan), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(plan.kept_recent, 2u);
  // Newest by its newest row, not by batch id: batch 1 written to last.
  const auto late =
      PlanPrune({Batch(1, 900, 90 * kDay), Batch(2, 200, 80 * kDay), Batch(3, 300, 70 * kDay)},
                policy, kPlanNow);
  EXPECT_EQ(Ids(late), (std::vector<std::int64_t>{2}));
}

TEST(PrunePlanTest, RunningAndPausedBatchesStay) {
  PrunePolicy policy;
  policy.older_than_ms = 0;  // everything is old enough
  policy.stall_after_ms = 3600 * 1000;
  BatchFacts running = Batch(1, 100, 60 * 1000);
  running.last_outcome = 0;
  BatchFacts stalled = Batch(2, 200, 2 * 3600 * 1000);  // no outcome, quiet for 2 h
  stalled.last_outcome = 0;
  BatchFacts paused = Batch(3, 300, 90 * kDay);  // paused for months: a person decides
  paused.last_outcome = 0;
  paused.last_paused = 295;
  BatchFacts resumed = Batch(4, 400, 90 * kDay);  // paused, resumed, then left: stalled
  resumed.last_outcome = 0;
  resumed.last_paused = 390;
  resumed.last_resumed = 395;
  BatchFacts rerun = Batch(5, 500, 90 * kDay);  // ended, then started again, no outcome yet
  rerun.last_outcome = 450;
  rerun.last_start = 460;
  BatchFacts rerun_paused = rerun;  // the new run is paused
  rerun_paused.batch_id = 6;
  rerun_paused.last_id = 600;
  rerun_paused.last_paused = 470;
  const auto plan =
      PlanPrune({running, stalled, paused, resumed, rerun, rerun_paused}, policy, kPlanNow);
  EXPECT_EQ(Ids(plan), (std::vector<std::int64_t>{2, 4, 5}));
  EXPECT_EQ(plan.kept_running, 1u);
  EXPECT_EQ(plan.kept_paused, 2u);
  EXPECT_TRUE(BatchEnded(Batch(9, 9, 0)));
  EXPECT_FALSE(BatchEnded(rerun));
}

TEST(PrunePlanTest, NothingQualifiesNothingGoes) {
  EXPECT_TRUE(PlanPrune({}, PrunePolicy{}, kPlanNow).prune.empty());
  PrunePolicy policy;
  policy.older_than_ms = 365 * kDay;
  EXPECT_TRUE(PlanPrune({Batch(1, 1, kDay)}, policy, kPlanNow).prune.empty());
}

}  // namespace
}  // namespace pipeline_exporter

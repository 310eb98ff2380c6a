#include "exporter/core/fold/sub_stage_state.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kSubStageT0 = 1'700'000'000'000;

TEST(SubStageStateTest, RunsFromStartToComplete) {
  SubStageState s("align");
  s.Apply(EventType::kSubstageStart, kSubStageT0);
  EXPECT_EQ(s.status(), StageStatus::kProcessing);
  EXPECT_DOUBLE_EQ(s.DurationSeconds(kSubStageT0 + 1500), 1.5);  // to now while processing
  s.Apply(EventType::kSubstageComplete, kSubStageT0 + 4000);
  EXPECT_EQ(s.status(), StageStatus::kComplete);
  EXPECT_EQ(s.end_ms(), kSubStageT0 + 4000);
  EXPECT_DOUBLE_EQ(s.DurationSeconds(kSubStageT0 + 99'000), 4.0);
}

TEST(SubStageStateTest, AStartAfterItCompletedIsANewRun) {
  SubStageState s("align");
  s.Apply(EventType::kSubstageStart, kSubStageT0);
  s.Apply(EventType::kSubstageComplete, kSubStageT0 + 4000);
  s.Apply(EventType::kSubstageStart, kSubStageT0 + 10'000);
  EXPECT_EQ(s.status(), StageStatus::kProcessing);
  EXPECT_EQ(s.start_ms(), kSubStageT0 + 10'000);
  EXPECT_FALSE(s.end_ms());
  s.Apply(EventType::kSubstageComplete, kSubStageT0 + 11'000);
  EXPECT_DOUBLE_EQ(s.DurationSeconds(kSubStageT0), 1.0);
}

TEST(SubStageStateTest, ACompletionWithoutStartLastedNothing) {
  SubStageState s("load");
  s.Apply(EventType::kSubstageComplete, kSubStageT0);
  EXPECT_EQ(s.status(), StageStatus::kComplete);
  EXPECT_DOUBLE_EQ(s.DurationSeconds(kSubStageT0 + 5000), 0.0);
}

TEST(SubStageStateTest, EndsWithItsStageOnlyWhileProcessing) {
  SubStageState open("a"), done("b");
  open.Apply(EventType::kSubstageStart, kSubStageT0);
  done.Apply(EventType::kSubstageStart, kSubStageT0);
  done.Apply(EventType::kSubstageComplete, kSubStageT0 + 1000);
  open.EndWithStage(StageStatus::kFailed, kSubStageT0 + 3000);
  done.EndWithStage(StageStatus::kFailed, kSubStageT0 + 3000);
  EXPECT_EQ(open.status(), StageStatus::kFailed);
  EXPECT_DOUBLE_EQ(open.DurationSeconds(kSubStageT0 + 99'000), 3.0);
  EXPECT_EQ(done.status(), StageStatus::kComplete);
  EXPECT_EQ(done.end_ms(), kSubStageT0 + 1000);
}

}  // namespace
}  // namespace pipeline_exporter

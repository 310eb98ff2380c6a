#include "exporter/core/fold/stage_state.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/fakes/event_builder.h"

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kStageT0 = 1'700'000'000'000;

class StageStateTest : public ::testing::Test {
 protected:
  void Apply(const StageEvent& e) { last_ = stage_.Apply(e, *ParseEventType(e.event_type)); }
  std::int64_t next_id_ = 1;
  StageState stage_{5 * 60 * 1000};
  StageChange last_;
};

TEST_F(StageStateTest, StartsPending) {
  EXPECT_EQ(stage_.status(), StageStatus::kPending);
  EXPECT_TRUE(std::isnan(stage_.ProgressRatio()));
  EXPECT_FALSE(stage_.DurationSeconds(kStageT0));
  EXPECT_FALSE(stage_.EtaSeconds(kStageT0));
}

// The seed's worked example: 500 files, a checkpoint every 10.
TEST_F(StageStateTest, WorkedExampleFiveHundredFiles) {
  Apply(Ev(1, 1, "stt", "stage_start", kStageT0).Total(500));
  EXPECT_EQ(stage_.status(), StageStatus::kProcessing);
  for (int i = 1; i <= 100; ++i) {
    Apply(Ev(0, 1, "stt", "file_complete", kStageT0 + i * 100).File("f" + std::to_string(i)));
    if (i % 10 == 0)
      Apply(Ev(0, 1, "stt", "stage_progress", kStageT0 + i * 100).Processed(i).Total(500));
  }
  EXPECT_EQ(stage_.processed(), 100);
  EXPECT_EQ(*stage_.total(), 500);
  EXPECT_DOUBLE_EQ(stage_.ProgressRatio(), 0.2);

  Apply(Ev(0, 1, "stt", "stage_complete", kStageT0 + 60'000).Processed(495).Failed(5));
  EXPECT_EQ(stage_.status(), StageStatus::kComplete);
  EXPECT_EQ(stage_.processed(), 495);
  EXPECT_EQ(stage_.failed(), 5);
  EXPECT_DOUBLE_EQ(stage_.ProgressRatio(), 1.0);
  EXPECT_DOUBLE_EQ(*stage_.DurationSeconds(kStageT0 + 999'999), 60.0);
  EXPECT_DOUBLE_EQ(*stage_.EtaSeconds(kStageT0 + 60'000), 0.0);
}

TEST_F(StageStateTest, CheckpointAheadOfFileEventsWins) {
  Apply(Ev(1, 1, "stt", "stage_start").Total(100));
  Apply(Ev(2, 1, "stt", "file_complete").File("a"));
  Apply(Ev(3, 1, "stt", "stage_progress").Processed(40).Failed(2));
  EXPECT_EQ(stage_.processed(), 40);
  EXPECT_EQ(stage_.failed(), 2);
  EXPECT_DOUBLE_EQ(stage_.ProgressRatio(), 0.42);
}

TEST_F(StageStateTest, DistinctFilesBeatAStaleCheckpoint) {
  Apply(Ev(1, 1, "stt", "stage_start").Total(10));
  Apply(Ev(2, 1, "stt", "stage_progress").Processed(1));
  for (int i = 0; i < 3; ++i) Apply(Ev(0, 1, "stt", "file_complete").File("f" + std::to_string(i)));
  EXPECT_EQ(stage_.processed(), 3);
}

TEST_F(StageStateTest, RetriedFileIsNotCountedTwice) {
  Apply(Ev(1, 1, "stt", "stage_start").Total(10));
  Apply(Ev(2, 1, "stt", "file_complete").File("a"));
  EXPECT_TRUE(last_.file_completed);
  Apply(Ev(3, 1, "stt", "file_complete").File("a"));
  EXPECT_FALSE(last_.file_completed);
  EXPECT_EQ(stage_.processed(), 1);
}

TEST_F(StageStateTest, FileThatFailsThenSucceedsCountsAsProcessedOnly) {
  Apply(Ev(1, 1, "stt", "stage_start").Total(10));
  Apply(Ev(2, 1, "stt", "error").File("a"));
  EXPECT_TRUE(last_.file_failed);
  Apply(Ev(3, 1, "stt", "error").File("a"));
  EXPECT_FALSE(last_.file_failed);
  EXPECT_EQ(stage_.failed(), 1);
  Apply(Ev(4, 1, "stt", "file_complete").File("a"));
  EXPECT_EQ(stage_.failed(), 0);
  EXPECT_EQ(stage_.processed(), 1);
  EXPECT_DOUBLE_EQ(stage_.ProgressRatio(), 0.1);
}

TEST_F(StageStateTest, ErrorWithoutFileDoesNotCountAFailure) {
  Apply(Ev(1, 1, "stt", "stage_start").Total(10));
  Apply(Ev(2, 1, "stt", "error"));
  EXPECT_EQ(stage_.failed(), 0);
  EXPECT_FALSE(last_.file_failed);
}

TEST_F(StageStateTest, FileEventStartsProcessingWithoutStageStart) {
  Apply(Ev(1, 1, "stt", "file_start", kStageT0).File("a"));
  EXPECT_EQ(stage_.status(), StageStatus::kProcessing);
  EXPECT_DOUBLE_EQ(*stage_.DurationSeconds(kStageT0 + 2500), 2.5);  // from the first event
}

TEST_F(StageStateTest, FileDurationFromDurationMsOrStartToComplete) {
  Apply(Ev(1, 1, "stt", "file_start", kStageT0).File("a"));
  Apply(Ev(2, 1, "stt", "file_complete", kStageT0 + 1500).File("a"));
  ASSERT_TRUE(last_.file_duration_seconds);
  EXPECT_DOUBLE_EQ(*last_.file_duration_seconds, 1.5);
  Apply(Ev(3, 1, "stt", "file_start", kStageT0).File("b"));
  Apply(Ev(4, 1, "stt", "file_complete", kStageT0 + 9000).File("b").Duration(250));
  EXPECT_DOUBLE_EQ(*last_.file_duration_seconds, 0.25);
  Apply(Ev(5, 1, "stt", "file_complete", kStageT0 + 9000).File("c"));  // no start, no durationMs
  EXPECT_FALSE(last_.file_duration_seconds);
}

TEST_F(StageStateTest, ProgressRatioClampedAndNaNWithoutTotal) {
  Apply(Ev(1, 1, "stt", "stage_progress").Processed(3));
  EXPECT_TRUE(std::isnan(stage_.ProgressRatio()));
  Apply(Ev(2, 1, "stt", "stage_progress").Processed(30).Total(20));
  EXPECT_DOUBLE_EQ(stage_.ProgressRatio(), 1.0);
}

TEST_F(StageStateTest, StageFailedEndsTheStage) {
  Apply(Ev(1, 1, "stt", "stage_start", kStageT0).Total(10));
  Apply(Ev(2, 1, "stt", "stage_failed", kStageT0 + 4000));
  EXPECT_EQ(stage_.status(), StageStatus::kFailed);
  EXPECT_DOUBLE_EQ(*stage_.DurationSeconds(kStageT0 + 100'000), 4.0);
  EXPECT_EQ(*stage_.EtaSeconds(kStageT0 + 100'000), 0.0);  // ended: nothing remains
}

TEST_F(StageStateTest, DurationGrowsWithTheClockWhileProcessing) {
  Apply(Ev(1, 1, "stt", "stage_start", kStageT0).Total(10));
  EXPECT_DOUBLE_EQ(*stage_.DurationSeconds(kStageT0 + 1000), 1.0);
  EXPECT_DOUBLE_EQ(*stage_.DurationSeconds(kStageT0 + 7000), 7.0);
}

TEST_F(StageStateTest, EtaFromRecentThroughputWithInjectedTime) {
  Apply(Ev(1, 1, "stt", "stage_start", kStageT0).Total(100));
  // 2 files per second for 10 s: 20 done, 80 remaining → 40 s.
  for (int i = 1; i <= 20; ++i) {
    Apply(Ev(0, 1, "stt", "file_complete", kStageT0 + i * 500).File("f" + std::to_string(i)));
  }
  ASSERT_TRUE(stage_.EtaSeconds(kStageT0 + 10'000));
  EXPECT_NEAR(*stage_.EtaSeconds(kStageT0 + 10'000), 40.0, 1e-9);
  // Nothing more for another 10 s: the rate halves, the ETA doubles.
  EXPECT_NEAR(*stage_.EtaSeconds(kStageT0 + 20'000), 80.0, 1e-9);
  // Nothing within the whole window: unknown.
  EXPECT_FALSE(stage_.EtaSeconds(kStageT0 + 10'000 + 5 * 60 * 1000 + 1));
}

TEST_F(StageStateTest, EtaUnknownWithoutTotal) {
  Apply(Ev(1, 1, "stt", "file_complete", kStageT0).File("a"));
  EXPECT_FALSE(stage_.EtaSeconds(kStageT0 + 1000));
}

TEST_F(StageStateTest, EndWithBatchOnlyEndsRunningStages) {
  Apply(Ev(1, 1, "stt", "stage_start", kStageT0).Total(10));
  stage_.EndWithBatch(BatchStatus::kFailed, kStageT0 + 3000);
  EXPECT_EQ(stage_.status(), StageStatus::kFailed);
  EXPECT_DOUBLE_EQ(*stage_.DurationSeconds(kStageT0 + 60'000), 3.0);
  EXPECT_EQ(*stage_.EtaSeconds(kStageT0 + 60'000), 0.0);
  // A corrected outcome moves a stage that ended with the batch along.
  stage_.EndWithBatch(BatchStatus::kComplete, kStageT0 + 4000);
  EXPECT_EQ(stage_.status(), StageStatus::kComplete);
  EXPECT_DOUBLE_EQ(*stage_.DurationSeconds(kStageT0 + 60'000), 4.0);
  StageState done(1000);
  done.Apply(Ev(1, 1, "x", "stage_complete"), EventType::kStageComplete);
  done.EndWithBatch(BatchStatus::kFailed, kStageT0);
  EXPECT_EQ(done.status(), StageStatus::kComplete);
  StageState pending(1000);
  pending.EndWithBatch(BatchStatus::kComplete, kStageT0);
  EXPECT_EQ(pending.status(), StageStatus::kPending);
}

TEST_F(StageStateTest, StageStartAfterTheEndStartsANewRun) {
  Apply(Ev(1, 1, "stt", "stage_start", kStageT0).Total(10));
  Apply(Ev(2, 1, "stt", "file_complete", kStageT0 + 1000).File("a"));
  Apply(Ev(3, 1, "stt", "stage_complete", kStageT0 + 2000).Processed(10).Failed(0));
  EXPECT_EQ(stage_.processed(), 10);
  Apply(Ev(4, 1, "stt", "stage_start", kStageT0 + 10'000).Total(4));
  EXPECT_EQ(stage_.status(), StageStatus::kProcessing);
  EXPECT_EQ(*stage_.total(), 4);
  EXPECT_EQ(stage_.processed(), 0);  // the old final count is gone
  EXPECT_DOUBLE_EQ(*stage_.DurationSeconds(kStageT0 + 11'000), 1.0);
  Apply(Ev(5, 1, "stt", "file_complete", kStageT0 + 10'500).File("a"));
  EXPECT_EQ(stage_.processed(), 1);  // the same file counts again in the new run
  // A second stage_start while processing is not a new run.
  Apply(Ev(6, 1, "stt", "stage_start", kStageT0 + 10'600).Total(4));
  EXPECT_EQ(stage_.processed(), 1);
}

TEST_F(StageStateTest, CompactKeepsTheFigures) {
  Apply(Ev(1, 1, "stt", "stage_start").Total(10));
  Apply(Ev(2, 1, "stt", "file_complete").File("a"));
  Apply(Ev(3, 1, "stt", "error").File("b"));
  stage_.Compact();
  EXPECT_EQ(stage_.processed(), 1);
  EXPECT_EQ(stage_.failed(), 1);
}

}  // namespace
}  // namespace pipeline_exporter

namespace pipeline_exporter {
namespace {

class StageWorkersTest : public ::testing::Test {
 protected:
  void Apply(const StageEvent& e, std::optional<std::size_t> worker) {
    stage_.Apply(e, *ParseEventType(e.event_type), worker);
  }
  const WorkerFigures* Of(std::size_t worker) const {
    for (const auto& [i, w] : stage_.workers()) {
      if (i == worker) return &w;
    }
    return nullptr;
  }
  StageState stage_{5 * 60 * 1000};
};

// A file counts once, for the worker of its latest outcome.
TEST_F(StageWorkersTest, RetriesMoveAFileToTheWorkerOfItsLatestOutcome) {
  Apply(Ev(1, 1, "stt", "error", kStageT0).File("a"), 0);              // fails on worker 0
  Apply(Ev(2, 1, "stt", "file_complete", kStageT0 + 1).File("a"), 1);  // then completes on 1
  Apply(Ev(3, 1, "stt", "file_complete", kStageT0 + 2).File("a"), 2);  // a duplicate on 2
  Apply(Ev(4, 1, "stt", "error", kStageT0 + 3).File("b"), 0);
  Apply(Ev(5, 1, "stt", "error", kStageT0 + 4).File("b"), 1);  // failed again: stays with 0
  ASSERT_TRUE(Of(0) && Of(1) && Of(2));
  EXPECT_EQ(Of(0)->completed(), 0);
  EXPECT_EQ(Of(0)->failed(), 1);
  EXPECT_EQ(Of(1)->completed(), 1);
  EXPECT_EQ(Of(1)->failed(), 0);
  EXPECT_EQ(Of(2)->completed(), 0);
  EXPECT_EQ(Of(2)->last_event_ms(), kStageT0 + 2);
  EXPECT_EQ(stage_.processed(), 1);
  EXPECT_EQ(stage_.failed(), 1);
  // A completed file that then fails leaves its worker's completed count.
  Apply(Ev(6, 1, "stt", "error", kStageT0 + 5).File("a"), 2);
  EXPECT_EQ(Of(1)->completed(), 0);
  EXPECT_EQ(Of(2)->failed(), 1);
}

TEST_F(StageWorkersTest, RowsWithoutAWorkerCountForTheStageOnly) {
  Apply(Ev(1, 1, "stt", "file_complete", kStageT0).File("a").Duration(2000), std::nullopt);
  Apply(Ev(2, 1, "stt", "file_complete", kStageT0).File("b").Duration(4000), 0);
  EXPECT_EQ(stage_.processed(), 2);
  ASSERT_EQ(stage_.workers().size(), 1u);
  EXPECT_EQ(Of(0)->completed(), 1);
  EXPECT_DOUBLE_EQ(Of(0)->duration_sum(), 4.0);
  // The file without a worker failing later takes nothing from anyone.
  Apply(Ev(3, 1, "stt", "error", kStageT0).File("a"), std::nullopt);
  EXPECT_EQ(Of(0)->completed(), 1);
}

TEST_F(StageWorkersTest, ANewRunOfTheStageRestartsItsWorkersAndSubStages) {
  Apply(Ev(1, 1, "stt", "stage_start", kStageT0), std::nullopt);
  Apply(Ev(2, 1, "stt", "substage_start", kStageT0).Sub("load"), std::nullopt);
  Apply(Ev(3, 1, "stt", "file_complete", kStageT0).File("a"), 0);
  Apply(Ev(4, 1, "stt", "stage_complete", kStageT0 + 1000), std::nullopt);
  ASSERT_EQ(stage_.sub_stages().size(), 1u);
  EXPECT_EQ(stage_.sub_stages()[0].status(), StageStatus::kComplete);  // ended with the stage
  EXPECT_EQ(stage_.sub_stages()[0].end_ms(), kStageT0 + 1000);
  Apply(Ev(5, 1, "stt", "stage_start", kStageT0 + 2000), std::nullopt);
  EXPECT_TRUE(stage_.workers().empty());
  EXPECT_TRUE(stage_.sub_stages().empty());
}

TEST_F(StageWorkersTest, SubStagesEndWithTheBatchAndTheCapCountsDistinctOnes) {
  Apply(Ev(1, 1, "stt", "substage_start", kStageT0).Sub("a"), std::nullopt);
  Apply(Ev(2, 1, "stt", "substage_start", kStageT0).Sub("b"), std::nullopt);
  EXPECT_EQ(stage_.status(), StageStatus::kProcessing);
  EXPECT_TRUE(stage_.AcceptsSubStage("a", 2));
  EXPECT_FALSE(stage_.AcceptsSubStage("c", 2));
  EXPECT_TRUE(stage_.AcceptsSubStage("c", 3));
  stage_.EndWithBatch(BatchStatus::kCanceled, kStageT0 + 500);
  EXPECT_EQ(stage_.sub_stages()[1].status(), StageStatus::kCanceled);
}

}  // namespace
}  // namespace pipeline_exporter

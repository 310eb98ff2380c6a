#include "exporter/core/fold/worker_figures.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kWorkersT0 = 1'700'000'000'000;

TEST(WorkerFiguresTest, CountsRatioMedianRateAndLastSeen) {
  WorkerFigures w(60'000);
  EXPECT_TRUE(std::isnan(w.View(kWorkersT0).failure_ratio));
  EXPECT_FALSE(w.View(kWorkersT0).median_duration_seconds);
  for (int i = 0; i < 9; ++i) {
    w.Seen(kWorkersT0 + i * 1000);
    w.AddCompleted(kWorkersT0 + i * 1000, +1);
    w.AddDuration(1.0 + i);  // 1..9 s
  }
  w.Seen(kWorkersT0 + 9000);
  w.AddFailed(kWorkersT0 + 9000, +1);
  const WorkerFiguresView v = w.View(kWorkersT0 + 10'000);
  EXPECT_EQ(v.completed, 9);
  EXPECT_EQ(v.failed, 1);
  EXPECT_DOUBLE_EQ(v.failure_ratio, 0.1);
  EXPECT_DOUBLE_EQ(*v.median_duration_seconds, 5.0);
  EXPECT_EQ(v.last_event_ms, kWorkersT0 + 9000);
  ASSERT_TRUE(v.per_second);
  EXPECT_GT(*v.per_second, 0.5);
  EXPECT_DOUBLE_EQ(w.duration_sum(), 45.0);
  EXPECT_EQ(w.duration_count(), 9u);
}

TEST(WorkerFiguresTest, AFileMovedAwayLeavesTheCountAndTheRateNeverGoesNegative) {
  WorkerFigures w(60'000);
  w.AddFailed(kWorkersT0, +1);
  w.AddFailed(kWorkersT0 + 1000, -1);  // retried on another worker
  const WorkerFiguresView v = w.View(kWorkersT0 + 2000);
  EXPECT_EQ(v.failed, 0);
  ASSERT_TRUE(v.per_second);
  EXPECT_GE(*v.per_second, 0.0);
}

TEST(WorkerFiguresTest, TheMedianIsOfTheLatestDurationsOnly) {
  WorkerFigures w(60'000);
  for (std::size_t i = 0; i < WorkerFigures::kDurationsKept; ++i) w.AddDuration(100);
  for (std::size_t i = 0; i < WorkerFigures::kDurationsKept; ++i) w.AddDuration(2);
  EXPECT_DOUBLE_EQ(*w.View(kWorkersT0).median_duration_seconds, 2.0);
  EXPECT_EQ(w.duration_count(), 2 * WorkerFigures::kDurationsKept);
  w.Compact();
  EXPECT_FALSE(w.View(kWorkersT0).median_duration_seconds);
  EXPECT_EQ(w.duration_count(), 2 * WorkerFigures::kDurationsKept);  // counts stay
}

}  // namespace
}  // namespace pipeline_exporter

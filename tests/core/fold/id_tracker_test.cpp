#include "exporter/core/fold/id_tracker.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(IdTrackerTest, InOrderIdsOpenNoGaps) {
  IdTracker t(60'000);
  for (int id = 1; id <= 5; ++id) EXPECT_TRUE(t.Accept(id, 0));
  EXPECT_EQ(t.max_seen(), 5);
  EXPECT_EQ(t.open_gap_count(), 0u);
  EXPECT_FALSE(t.Accept(3, 0));  // seen already
}

TEST(IdTrackerTest, OutOfOrderCommitFillsTheGapExactlyOnce) {
  IdTracker t(60'000);
  EXPECT_TRUE(t.Accept(1, 0));
  EXPECT_TRUE(t.Accept(3, 0));  // 2 is still in an open transaction
  EXPECT_EQ(t.OpenGaps(10), (std::vector<std::int64_t>{2}));
  EXPECT_TRUE(t.Accept(2, 100));  // committed later
  EXPECT_FALSE(t.Accept(2, 200));
  EXPECT_EQ(t.open_gap_count(), 0u);
  EXPECT_EQ(t.Expire(1'000'000), 0u);
}

TEST(IdTrackerTest, GapsExpireAfterTheGracePeriodOnTheGivenClock) {
  IdTracker t(60'000);
  t.Accept(1, 0);
  t.Accept(4, 1000);  // 2 and 3 missing since t=1000
  EXPECT_EQ(t.Expire(60'999), 0u);
  EXPECT_EQ(t.Expire(61'000), 2u);
  EXPECT_EQ(t.open_gap_count(), 0u);
  EXPECT_FALSE(t.Accept(2, 62'000));  // too late: given up, never applied
}

TEST(IdTrackerTest, ResetTreatsEverythingUpToTheStartAsSeen) {
  IdTracker t(60'000);
  t.Accept(1, 0);
  t.Accept(5, 0);
  t.Reset(100);
  EXPECT_EQ(t.open_gap_count(), 0u);
  EXPECT_FALSE(t.Accept(50, 0));
  EXPECT_TRUE(t.Accept(101, 0));
}

TEST(IdTrackerTest, HugeJumpsAreNotTrackedIdById) {
  IdTracker t(60'000, /*max_gap_span=*/100);
  t.Accept(1, 0);
  t.Accept(1'000'000, 0);
  EXPECT_EQ(t.open_gap_count(), 0u);
  EXPECT_EQ(t.max_seen(), 1'000'000);
}

TEST(IdTrackerTest, TooManyOpenGapsGiveUpTheOldestFirst) {
  IdTracker t(60'000, 10000, /*max_open_gaps=*/3);
  t.Accept(1, 0);
  t.Accept(7, 0);  // 2..6 missing: 2 and 3 are given up
  EXPECT_EQ(t.OpenGaps(10), (std::vector<std::int64_t>{4, 5, 6}));
  EXPECT_EQ(t.TakeOverflowed(), 2u);
  EXPECT_EQ(t.TakeOverflowed(), 0u);
}

}  // namespace
}  // namespace pipeline_exporter

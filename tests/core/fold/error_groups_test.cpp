#include "exporter/core/fold/error_groups.h"

#include <gtest/gtest.h>

#include "tests/fakes/event_builder.h"

namespace pipeline_exporter {
namespace {

StageEvent Err(std::int64_t id, const std::string& stage, const std::string& message,
               std::int64_t ts = 1'700'000'000'000) {
  StageEvent e = Ev(id, 1, stage, "error", ts);
  e.error_message = message;
  return e;
}

TEST(ErrorGroupsTest, NumbersAndWhiteSpaceDoNotMakeANewKind) {
  EXPECT_EQ(NormaliseErrorMessage("  timeout after 1500 ms\n on  gpu 3 "),
            "timeout after N ms on gpu N");
  EXPECT_EQ(NormaliseErrorMessage(std::string(500, 'x')).size(), 200u);
  EXPECT_EQ(NormaliseErrorMessage(""), "");
}

TEST(ErrorGroupsTest, GroupsByStageAndMessageMostFrequentFirst) {
  ErrorGroups g;
  g.Add(Err(5, "stt", "timeout after 1000 ms", 3000));
  g.Add(Err(3, "stt", "timeout after 2000 ms", 1000));
  g.Add(Err(4, "llm", "timeout after 2000 ms", 2000));
  g.Add(Err(9, "stt", "bad audio", 9000));
  const auto groups = g.Sorted();
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].stage, "stt");
  EXPECT_EQ(groups[0].message, "timeout after N ms");
  EXPECT_EQ(groups[0].count, 2);
  EXPECT_EQ(groups[0].first_ms, 1000);
  EXPECT_EQ(groups[0].last_ms, 3000);
  EXPECT_EQ(groups[0].sample_event_id, 3);
  EXPECT_EQ(groups[1].stage, "llm");  // ties: earliest row first
  EXPECT_EQ(groups[2].message, "bad audio");
}

TEST(ErrorGroupsTest, MemoryIsBoundedByTheNumberOfKinds) {
  ErrorGroups g(2);
  g.Add(Err(1, "a", "one"));
  g.Add(Err(2, "a", "two"));
  g.Add(Err(3, "a", "three"));
  g.Add(Err(4, "a", "one"));
  EXPECT_EQ(g.Sorted().size(), 2u);
  EXPECT_EQ(g.other(), 1);
  EXPECT_TRUE(ErrorGroups::IsError("stage_failed"));
  EXPECT_FALSE(ErrorGroups::IsError("warning"));
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/core/exposition/action_counts.h"

#include <gtest/gtest.h>

#include "exporter/core/exposition/text_format.h"

namespace pipeline_exporter {
namespace {

TEST(ActionCountsTest, CountsByPipelineActionAndActorWithActorsCapped) {
  ActionCounts counts;
  std::string empty;
  AppendTextFormat(counts.Collect(), empty);
  EXPECT_EQ(empty.find("pipeline_exporter_control_actions_total{"), std::string::npos);
  counts.Add("cofi", "cancel", "alice");
  counts.Add("cofi", "cancel", "alice");
  counts.Add("cofi", "silence", "alice");
  counts.Add("docs", "pause", "cron");
  for (std::size_t i = 0; i < ActionCounts::kMaxActors + 5; ++i) {
    counts.Add("cofi", "pause", "user" + std::to_string(i));
  }
  std::string text;
  AppendTextFormat(counts.Collect(), text);
  EXPECT_NE(text.find("# TYPE pipeline_exporter_control_actions_total counter"), std::string::npos);
  EXPECT_NE(text.find("pipeline_exporter_control_actions_total{pipeline=\"cofi\",action=\"cancel\","
                      "actor=\"alice\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("{pipeline=\"docs\",action=\"pause\",actor=\"cron\"} 1\n"),
            std::string::npos);
  // alice and cron took two of the 32 names: 30 more users, then `other` for the 7 left.
  EXPECT_NE(text.find("{pipeline=\"cofi\",action=\"pause\",actor=\"user29\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(text.find("actor=\"user30\""), std::string::npos);
  EXPECT_NE(text.find("{pipeline=\"cofi\",action=\"pause\",actor=\"other\"} 7\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/config/duration.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(DurationTest, ParsesPrometheusDurations) {
  EXPECT_EQ(ParseDuration("500ms"), 500);
  EXPECT_EQ(ParseDuration("30s"), 30'000);
  EXPECT_EQ(ParseDuration("5m"), 300'000);
  EXPECT_EQ(ParseDuration("7d"), 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(ParseDuration("1h30m"), 5'400'000);
  EXPECT_EQ(ParseDuration("1w"), 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(ParseDuration("0s"), 0);
}

TEST(DurationTest, RejectsAnythingElse) {
  for (const char* bad : {"", "5", "ms", "5x", "1.5s", "-1s", "30m1h", "1s1s", " 5s", "5 s",
                          "99999999999999999999d"}) {
    EXPECT_FALSE(ParseDuration(bad)) << bad;
  }
}

}  // namespace
}  // namespace pipeline_exporter

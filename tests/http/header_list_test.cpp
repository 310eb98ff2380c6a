#include "exporter/http/header_list.h"

#include <gtest/gtest.h>

#include <string>

namespace pipeline_exporter {
namespace {

TEST(HeaderListTest, TokensQualitiesAndVersions) {
  const auto list = ParseHeaderList(
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text; "
      "version=\"0.0.1\";q=0.75 ,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].token, "application/openmetrics-text");
  EXPECT_EQ(list[0].version, "1.0.0");
  EXPECT_EQ(list[0].q, 1);
  EXPECT_EQ(list[1].version, "0.0.1");
  EXPECT_EQ(list[1].q, 0.75);
  EXPECT_EQ(list[2].token, "text/plain");
  EXPECT_EQ(list[2].q, 0.5);
  EXPECT_EQ(list[3].token, "*/*");
}

TEST(HeaderListTest, UnreadableQualityRefusesAndEmptyElementsAreSkipped) {
  const auto list = ParseHeaderList(" , gzip;q=2, br;q=x, deflate;q=0.001,,");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].q, 0);
  EXPECT_EQ(list[1].q, 0);
  EXPECT_DOUBLE_EQ(list[2].q, 0.001);
}

TEST(HeaderListTest, AHostileHeaderIsReadOnlyUpToTheCap) {
  std::string header;
  for (int i = 0; i < 10000; ++i) header += "x,";
  EXPECT_EQ(ParseHeaderList(header).size(), kMaxHeaderListElements);
}

TEST(HeaderListTest, TokenComparisonIgnoresCase) {
  EXPECT_TRUE(TokenIs("Application/OpenMetrics-Text", "application/openmetrics-text"));
  EXPECT_FALSE(TokenIs("text/plain", "text/html"));
}

}  // namespace
}  // namespace pipeline_exporter

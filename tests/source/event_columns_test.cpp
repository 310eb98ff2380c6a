#include "exporter/source/event_columns.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace pipeline_exporter {
namespace {

TEST(EventColumnsTest, ListsReadNoPayloadColumn) {
  const std::string list = EventColumns(SqlDialect::kPostgresql, RowShape::kList, true);
  EXPECT_EQ(list.rfind("id, batchId, stage, eventType", 0), 0u);
  // Only batch_start's payload, as metadata, and capped.
  EXPECT_NE(list.find("CASE WHEN eventType = 'batch_start' THEN SUBSTR(requestPayload, 1, 1024)"),
            std::string::npos);
  EXPECT_EQ(list.find("response"), std::string::npos);
  EXPECT_NE(list.find("SUBSTR(errorMessage, 1, 2000)"), std::string::npos);
}

TEST(EventColumnsTest, PayloadsAreCutAndMeasured) {
  const std::string full = EventColumns(SqlDialect::kMysql, RowShape::kWithPayloads, true);
  EXPECT_EQ(full.rfind(EventColumns(SqlDialect::kMysql, RowShape::kList, true), 0), 0u);
  for (const char* c : {"requestPayload", "response", "errorMessage"}) {
    EXPECT_NE(full.find("SUBSTR(" + std::string(c) + ", 1, 262144), LENGTH(" + c + ")"),
              std::string::npos)
        << c;
  }
}

TEST(EventColumnsTest, ATableWithoutSubStageGivesTheSameShape) {
  const std::string with = EventColumns(SqlDialect::kSqlite, RowShape::kList, true);
  const std::string without = EventColumns(SqlDialect::kSqlite, RowShape::kList, false);
  EXPECT_NE(with.find(", subStage"), std::string::npos);
  EXPECT_EQ(without.find("subStage"), std::string::npos);
  EXPECT_EQ(without.substr(without.size() - 6), ", NULL");
  // Typed where SOCI needs to know the column's type.
  EXPECT_NE(EventColumns(SqlDialect::kMysql, RowShape::kList, false).find("CAST(NULL AS CHAR(64))"),
            std::string::npos);
  // As many columns either way (a comma for each, outside the SUBSTR calls').
  auto commas = [](const std::string& s) { return std::count(s.begin(), s.end(), ','); };
  EXPECT_EQ(commas(with), commas(without));
}

}  // namespace
}  // namespace pipeline_exporter

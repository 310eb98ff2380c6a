#include "exporter/source/event_columns.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(EventColumnsTest, ListsReadNoPayloadColumn) {
  const std::string list = EventColumns(SqlDialect::kPostgresql, RowShape::kList);
  EXPECT_EQ(list.rfind("id, batchId, stage, eventType", 0), 0u);
  // Only batch_start's payload, as metadata, and capped.
  EXPECT_NE(list.find("CASE WHEN eventType = 'batch_start' THEN SUBSTR(requestPayload, 1, 1024)"),
            std::string::npos);
  EXPECT_EQ(list.find("response"), std::string::npos);
  EXPECT_NE(list.find("SUBSTR(errorMessage, 1, 2000)"), std::string::npos);
}

TEST(EventColumnsTest, PayloadsAreCutAndMeasured) {
  const std::string full = EventColumns(SqlDialect::kMysql, RowShape::kWithPayloads);
  EXPECT_EQ(full.rfind(EventColumns(SqlDialect::kMysql, RowShape::kList), 0), 0u);
  for (const char* c : {"requestPayload", "response", "errorMessage"}) {
    EXPECT_NE(full.find("SUBSTR(" + std::string(c) + ", 1, 262144), LENGTH(" + c + ")"),
              std::string::npos)
        << c;
  }
}

}  // namespace
}  // namespace pipeline_exporter

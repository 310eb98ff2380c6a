#include "exporter/source/event_row_mapper.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "exporter/source/schema_bootstrap.h"
#include "tests/fakes/temp_dir.h"

namespace pipeline_exporter {
namespace {

// Through SOCI's type_conversion, as every query but the SQLite tail reads rows.
TEST(EventRowMapperTest, MapsEveryColumnNullsAndPayloads) {
  TempDir dir;
  const std::string cs = "sqlite3://db=" + dir.File("e.db");
  ASSERT_TRUE(EnsureEventTable(cs, "t"));
  soci::session sql(cs);
  sql << "INSERT INTO t (batchId, stage, eventType, fileName, gpuIp, totalFiles, processedFiles, "
         "failedFiles, durationMs, requestPayload, response, errorMessage, timestamp, subStage) "
         "VALUES (4, 'stt', 'batch_start', 'a.wav', '10.0.0.1', 10, 5, 1, 250, "
         "'{\"batchDate\":1}', NULL, 'oops', '2024-01-13 08:00:00.250', 'align')";
  sql << "INSERT INTO t (batchId, eventType) VALUES (5, 'info')";
  std::vector<StageEvent> rows;
  soci::rowset<StageEvent> rs =
      (sql.prepare << "SELECT " + EventColumns(SqlDialect::kSqlite, RowShape::kWithPayloads, true) +
                          " FROM t ORDER BY id");
  for (auto& e : rs) rows.push_back(e);
  ASSERT_EQ(rows.size(), 2u);
  const StageEvent& a = rows[0];
  EXPECT_EQ(a.id, 1);
  EXPECT_EQ(a.batch_id, 4);
  EXPECT_EQ(a.stage, "stt");
  EXPECT_EQ(a.event_type, "batch_start");
  EXPECT_EQ(a.file_name, "a.wav");
  EXPECT_EQ(a.gpu_ip, "10.0.0.1");
  EXPECT_EQ(a.total_files, 10);
  EXPECT_EQ(a.processed_files, 5);
  EXPECT_EQ(a.failed_files, 1);
  EXPECT_EQ(a.duration_ms, 250);
  EXPECT_EQ(a.timestamp_ms, 1705132800250);
  EXPECT_EQ(a.batch_metadata, "{\"batchDate\":1}");
  EXPECT_EQ(a.error_message, "oops");
  EXPECT_EQ(a.request_payload->text, "{\"batchDate\":1}");
  EXPECT_EQ(a.request_payload->length, 15);
  EXPECT_FALSE(a.response);
  EXPECT_EQ(a.full_error_message->text, "oops");
  EXPECT_EQ(a.sub_stage, "align");
  const StageEvent& b = rows[1];
  EXPECT_EQ(b.stage, "");
  EXPECT_FALSE(b.file_name);
  EXPECT_FALSE(b.total_files);
  EXPECT_FALSE(b.batch_metadata);
  EXPECT_FALSE(b.request_payload);
  EXPECT_FALSE(b.sub_stage);
}

}  // namespace
}  // namespace pipeline_exporter

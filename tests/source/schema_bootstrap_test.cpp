#include "exporter/source/schema_bootstrap.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "tests/fakes/temp_dir.h"

namespace pipeline_exporter {
namespace {

int Count(soci::session& sql, const std::string& query) {
  int n = -1;
  sql << query, soci::into(n);
  return n;
}

TEST(SchemaBootstrapTest, A001TableGetsMigration002OnceAndKeepsItsRows) {
  TempDir dir;
  const std::string cs = "sqlite3://db=" + dir.File("events.db");
  EXPECT_TRUE(EnsureEventTable(cs, "batchExecutionLog", ""));  // 001 alone
  soci::session sql(cs);
  sql << "INSERT INTO batchExecutionLog (batchId, eventType) VALUES (1, 'batch_start')";
  EXPECT_EQ(Count(sql, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'batchControl'"), 0);
  EXPECT_EQ(Count(sql,
                  "SELECT COUNT(*) FROM pragma_table_info('batchExecutionLog') WHERE "
                  "name = 'subStage'"),
            0);
  // 002 on top, twice: the second run changes nothing (its ALTER is skipped).
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(EnsureEventTable(cs, "batchExecutionLog", "ctl"));
    EXPECT_EQ(Count(sql, "SELECT COUNT(*) FROM ctl"), 0);
    EXPECT_EQ(Count(sql,
                    "SELECT COUNT(*) FROM pragma_table_info('batchExecutionLog') WHERE "
                    "name = 'subStage'"),
              1);
  }
  EXPECT_EQ(Count(sql, "SELECT COUNT(*) FROM batchExecutionLog"), 1);
  EXPECT_NE(MigrationSql("postgresql", 2, "log", "ctl").find("CREATE TABLE IF NOT EXISTS ctl"),
            std::string::npos);
  EXPECT_NE(MigrationSql("mysql", 2, "log", "ctl").find("ALTER TABLE log ADD COLUMN subStage"),
            std::string::npos);
  EXPECT_THROW(MigrationSql("sqlite", 3, "log"), std::invalid_argument);
  EXPECT_THROW(EnsureEventTable(cs, "batchExecutionLog", "bad name"), std::invalid_argument);
  // 004 came with it, once (a second start finds it there): the control rows' address and
  // the errors index.
  EXPECT_FALSE(EnsureEventTable(cs, "batchExecutionLog", "ctl"));
  EXPECT_EQ(Count(sql,
                  "SELECT COUNT(*) FROM pragma_table_info('ctl') WHERE name = "
                  "'requestedFrom'"),
            1);
  EXPECT_EQ(Count(sql,
                  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = "
                  "'batchExecutionLog_batch_type'"),
            1);
  for (const char* dialect : {"sqlite", "mysql", "postgresql"}) {
    const std::string m = MigrationSql(dialect, 4, "log", "ctl");
    EXPECT_NE(m.find("ON log (batchId, eventType, id)"), std::string::npos) << dialect;
    EXPECT_NE(m.find("ALTER TABLE ctl ADD COLUMN"), std::string::npos) << dialect;
  }
}

}  // namespace
}  // namespace pipeline_exporter

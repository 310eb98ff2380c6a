#include "exporter/source/sql_dialect.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(SqlDialectTest, SqliteFileOfReadsTheWaysSociNamesAFile) {
  EXPECT_EQ(SqliteFileOf("sqlite3://db=/var/lib/p/events.db"), "/var/lib/p/events.db");
  EXPECT_EQ(SqliteFileOf("sqlite3://db=events.db timeout=30"), "events.db");
  EXPECT_EQ(SqliteFileOf("sqlite3://timeout=30 dbname=events.db"), "events.db");
  EXPECT_EQ(SqliteFileOf("sqlite3://db=\"/data/my events.db\" timeout=2"), "/data/my events.db");
  EXPECT_EQ(SqliteFileOf("sqlite3://db='/data/a b.db'"), "/data/a b.db");
  EXPECT_EQ(SqliteFileOf("sqlite3://plain.db"), "plain.db");
}

TEST(SqlDialectTest, SqliteFileOfHasNoFileToWatchForOtherDatabases) {
  EXPECT_EQ(SqliteFileOf("sqlite3://db=:memory:"), std::nullopt);
  EXPECT_EQ(SqliteFileOf("sqlite3://db=file:x.db?mode=ro"), std::nullopt);
  EXPECT_EQ(SqliteFileOf("sqlite3://timeout=3"), std::nullopt);
  EXPECT_EQ(SqliteFileOf("sqlite3://db=\"unterminated"), "unterminated");
  EXPECT_EQ(SqliteFileOf("postgresql://dbname=p host=127.0.0.1"), std::nullopt);
  EXPECT_EQ(SqliteFileOf("mysql://db=p"), std::nullopt);
}

TEST(SqlDialectTest, SqliteBusyTimeoutIsTheConnectStringsOrFiveSeconds) {
  EXPECT_EQ(SqliteBusyTimeout("sqlite3://db=x.db timeout=30"), std::chrono::seconds(30));
  EXPECT_EQ(SqliteBusyTimeout("sqlite3://db=x.db"), std::chrono::seconds(5));
  EXPECT_EQ(SqliteBusyTimeout("sqlite3://db='/t/timeout=9.db'"), std::chrono::seconds(5));
}

TEST(SqlDialectTest, CheckedConnectStringGivesSqliteABusyTimeout) {
  SqlDialect d{};
  EXPECT_EQ(CheckedConnectString("sqlite3://db=x.db", "t", &d), "sqlite3://db=x.db timeout=5");
  EXPECT_EQ(d, SqlDialect::kSqlite);
  EXPECT_EQ(CheckedConnectString("sqlite3://db=x.db timeout=1", "t", &d),
            "sqlite3://db=x.db timeout=1");
  EXPECT_THROW(CheckedConnectString("oracle://x", "t", &d), std::invalid_argument);
}

}  // namespace
}  // namespace pipeline_exporter

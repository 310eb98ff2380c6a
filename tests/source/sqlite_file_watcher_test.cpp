#include "exporter/source/sqlite_file_watcher.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <fstream>

#include "exporter/source/schema_bootstrap.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

class SqliteFileWatcherTest : public ::testing::Test {
 protected:
  std::string Db() const { return dir_.File("events.db"); }
  void Insert(soci::session& sql) {
    sql << "INSERT INTO batchExecutionLog (batchId, stage, eventType) VALUES (1, 's', "
           "'stage_start')";
  }
  TempDir dir_;
  std::atomic<int> changes_{0};
  SqliteFileWatcher watcher_{Db(), [this] { ++changes_; }};
};

TEST_F(SqliteFileWatcherTest, ACommitInWalModeWakesIt) {
  EnsureEventTable("sqlite3://db=" + Db(), "batchExecutionLog");
  soci::session sql("sqlite3://db=" + Db());
  std::string mode;
  sql << "PRAGMA journal_mode", soci::into(mode);
  ASSERT_EQ(mode, "wal");  // as migration 001 leaves the file
  watcher_.Start();
  Insert(sql);
  EXPECT_TRUE(WaitUntil([&] { return changes_ > 0; }));
}

TEST_F(SqliteFileWatcherTest, ACommitInRollbackJournalModeWakesIt) {
  soci::session sql("sqlite3://db=" + Db());
  sql << "PRAGMA journal_mode=DELETE";
  sql << "CREATE TABLE batchExecutionLog (id INTEGER PRIMARY KEY, batchId INTEGER, stage TEXT, "
         "eventType TEXT)";
  watcher_.Start();
  Insert(sql);
  EXPECT_TRUE(WaitUntil([&] { return changes_ > 0; }));
}

TEST_F(SqliteFileWatcherTest, AFileCreatedAfterStartIsWatched) {
  watcher_.Start();  // before the database exists: the directory is watched
  EnsureEventTable("sqlite3://db=" + Db(), "batchExecutionLog");
  EXPECT_TRUE(WaitUntil([&] { return changes_ > 0; }));
}

TEST_F(SqliteFileWatcherTest, OnlyTheDatabaseAndItsJournalsConcernIt) {
  EXPECT_TRUE(SqliteFileWatcher::Concerns("events.db", "events.db"));
  EXPECT_TRUE(SqliteFileWatcher::Concerns("events.db", "events.db-wal"));
  EXPECT_TRUE(SqliteFileWatcher::Concerns("events.db", "events.db-journal"));
  EXPECT_FALSE(SqliteFileWatcher::Concerns("events.db", "events.db-shm"));  // readers map it
  EXPECT_FALSE(SqliteFileWatcher::Concerns("events.db", "events.db2"));
  EXPECT_FALSE(SqliteFileWatcher::Concerns("events.db", "other.db"));
  EXPECT_FALSE(SqliteFileWatcher::Concerns("events.db", "events"));
}

TEST_F(SqliteFileWatcherTest, AMissingDirectoryIsRefusedWithTheReason) {
  SqliteFileWatcher w(dir_.File("no/such/dir/events.db"), [] {});
  try {
    w.Start();
    FAIL() << "started on a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no/such/dir"), std::string::npos) << e.what();
  }
  w.Stop();  // nothing to stop: fine
}

TEST_F(SqliteFileWatcherTest, StopEndsTheThreadAndIsIdempotent) {
  watcher_.Start();
  watcher_.Stop();
  watcher_.Stop();
  const int before = changes_;
  EnsureEventTable("sqlite3://db=" + Db(), "batchExecutionLog");
  EXPECT_EQ(changes_, before);  // nobody watches any more
}

}  // namespace
}  // namespace pipeline_exporter

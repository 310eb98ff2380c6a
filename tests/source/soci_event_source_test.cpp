#include "exporter/source/soci_event_source.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "exporter/source/schema_bootstrap.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pipeline_exporter {
namespace {

class SociEventSourceTest : public ::testing::Test {
 protected:
  SociEventSourceTest() : cs_("sqlite3://db=" + dir_.File("events.db")) {
    EXPECT_TRUE(EnsureEventTable(cs_, "batchExecutionLog"));
    sql_.open(cs_);
  }
  TempDir dir_;
  std::string cs_;
  soci::session sql_;
  FakeClock clock_;
  Database db_{cs_, "batchExecutionLog", clock_};
};

TEST_F(SociEventSourceTest, BootstrapIsIdempotent) {
  EXPECT_FALSE(EnsureEventTable(cs_, "batchExecutionLog"));
  EXPECT_TRUE(EnsureEventTable(cs_, "otherLog"));  // a configured table name is honoured
  int n = -1;
  sql_ << "SELECT COUNT(*) FROM otherLog", soci::into(n);
  EXPECT_EQ(n, 0);
}

TEST_F(SociEventSourceTest, ReadsRowsInIdOrderWithUtcMilliseconds) {
  sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType, totalFiles, timestamp) "
          "VALUES (3, 'stt', 'stage_start', 500, '2024-01-13 08:00:00.250')";
  sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName, gpuIp, durationMs, "
          "requestPayload, response, timestamp) VALUES (3, 'stt', 'file_complete', 'a.wav', "
          "'10.0.0.1', 1234, '{\"big\":1}', '{\"text\":\"hi\"}', '2024-01-13T08:00:01.999Z')";
  SociEventSource source(db_);
  const FetchResult r = source.FetchAfter(0, {}, 100);
  ASSERT_EQ(r.events.size(), 2u);
  const StageEvent& a = r.events[0];
  EXPECT_EQ(a.id, 1);
  EXPECT_EQ(a.batch_id, 3);
  EXPECT_EQ(a.stage, "stt");
  EXPECT_EQ(a.event_type, "stage_start");
  EXPECT_EQ(a.total_files, 500);
  EXPECT_FALSE(a.processed_files);
  EXPECT_FALSE(a.file_name);
  EXPECT_EQ(a.timestamp_ms, 1705132800250);
  const StageEvent& b = r.events[1];
  EXPECT_EQ(b.file_name, "a.wav");
  EXPECT_EQ(b.gpu_ip, "10.0.0.1");
  EXPECT_EQ(b.duration_ms, 1234);
  EXPECT_EQ(b.timestamp_ms, 1705132801999);
  EXPECT_FALSE(b.batch_metadata);  // payloads of other event types are not read
  ASSERT_TRUE(r.db_now_ms);
  EXPECT_GT(*r.db_now_ms, 1705132801999);

  EXPECT_EQ(source.FetchAfter(1, {}, 100).events.size(), 1u);
  EXPECT_EQ(source.FetchAfter(0, {}, 1).events.size(), 1u);
  EXPECT_TRUE(source.FetchAfter(2, {}, 100).events.empty());
  EXPECT_EQ(*source.FetchAfter(2, {}, 100).max_id, 2);
}

TEST_F(SociEventSourceTest, FetchesMissingIdsBelowTheMark) {
  for (int i = 0; i < 5; ++i) {
    sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType) VALUES (1, 'a', 'info')";
  }
  SociEventSource source(db_);
  const auto r = source.FetchAfter(4, {1, 3}, 100);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[0].id, 1);
  EXPECT_EQ(r.events[1].id, 3);
  EXPECT_EQ(r.events[2].id, 5);
  EXPECT_EQ(source.FetchAfter(4, {1, 3}, 2).events.size(), 2u);  // the limit covers all of them
}

TEST_F(SociEventSourceTest, BatchStartMetadataIsReadButCapped) {
  const std::string big(5000, 'x');
  sql_ << "INSERT INTO batchExecutionLog (batchId, eventType, requestPayload) VALUES (1, "
          "'batch_start', '{\"batchDate\":\"2024-01-13\"}')";
  sql_ << "INSERT INTO batchExecutionLog (batchId, eventType, requestPayload) VALUES (2, "
          "'batch_start', :p)",
      soci::use(big);
  SociEventSource source(db_);
  const auto r = source.FetchAfter(0, {}, 10);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].batch_metadata, "{\"batchDate\":\"2024-01-13\"}");
  EXPECT_EQ(r.events[1].batch_metadata->size(), 1024u);
}

TEST_F(SociEventSourceTest, UnparsableTimestampBecomesZeroForTheValidator) {
  sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType, timestamp) VALUES (1, 'a', "
          "'stage_start', 'yesterday-ish')";
  SociEventSource source(db_);
  const auto r = source.FetchAfter(0, {}, 10);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].timestamp_ms, 0);
}

TEST_F(SociEventSourceTest, ReplayStartsAtTheFirstRowInsideTheWindow) {
  sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType, timestamp) VALUES "
          "(1, 'a', 'stage_start', '2024-01-01 00:00:00.000'), "
          "(2, 'a', 'stage_start', '2024-01-05 00:00:00.000'), "
          "(1, 'a', 'stage_complete', '2024-01-06 00:00:00.000'), "
          "(2, 'a', 'stage_complete', '2024-01-10 00:00:00.000')";
  SociEventSource source(db_);
  // Cutoff 2024-01-08: the first row inside is id 4 (the late join reads batch 2 from its
  // start when the tail meets it).
  EXPECT_EQ(source.StartAfterId(1704672000000), 3);
  // Cutoff 2024-01-05 12:00: from id 3.
  EXPECT_EQ(source.StartAfterId(1704456000000), 2);
  // The whole log inside the window: from the oldest row.
  EXPECT_EQ(source.StartAfterId(1700000000000), 0);
  // Nothing newer than the cutoff: start after the newest row.
  EXPECT_EQ(source.StartAfterId(1800000000000), 4);
}

TEST_F(SociEventSourceTest, MissingDatabaseTableFailsWithAMessageAndRecovers) {
  Database db(cs_, "noSuchTable", clock_);
  SociEventSource source(db);
  EXPECT_THROW(source.FetchAfter(0, {}, 10), std::exception);
  EnsureEventTable(cs_, "noSuchTable");
  EXPECT_NO_THROW(source.FetchAfter(0, {}, 10));
}

TEST(SociEventSourceConstructionTest, RejectsUnknownDatabasesAndUnsafeTableNames) {
  FakeClock clock;
  EXPECT_THROW(Database("oracle://x", "t", clock), std::invalid_argument);
  EXPECT_THROW(Database("sqlite3://db=x.db", "t; DROP TABLE t", clock), std::invalid_argument);
}

}  // namespace
}  // namespace pipeline_exporter

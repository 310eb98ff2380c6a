// The wake-up paths end to end: with a poll interval far longer than the test, a row
// written with SQL reaches an event stream only if the database's change woke the tail —
// inotify on the SQLite file, NOTIFY from migration 003's trigger on PostgreSQL — and
// pipeline_exporter_wakeups_total says which path it took. A LISTEN connection terminated by
// the server is noticed, counted and opened again, and no row is lost meanwhile.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/exporter_harness.h"
#include "tests/fakes/sse_client.h"

namespace pipeline_exporter {
namespace {

using json = nlohmann::json;

std::string Wakeups(const std::string& source) {
  return "pipeline_exporter_wakeups_total{pipeline=\"cofi\",source=\"" + source + "\"}";
}

// The file names of the next `n` file rows on the stream (empty when they do not come).
std::vector<std::string> NextFiles(SseClient& stream, std::size_t n) {
  std::vector<std::string> files;
  while (files.size() < n) {
    const auto row = stream.NextRow(seconds(10));
    if (!row) break;
    const json data = json::parse(row->data, nullptr, false);
    if (data.is_object() && data.contains("fileName") && data["fileName"].is_string()) {
      files.push_back(data["fileName"].get<std::string>());
    }
  }
  return files;
}

class WakeupTest : public ExporterHarness, public ::testing::Test {
 protected:
  // Far beyond the test: a row that arrives was not found by the poll.
  void SetUp() override { poll_interval_ = "1h"; }
};

TEST_F(WakeupTest, SqliteInsertReachesTheStreamThroughInotify) {
  SetUpDatabase(Backend::kSqlite);
  auto p = Start();
  SseClient stream(p->port(), "/api/stream?pipeline=cofi");
  ASSERT_TRUE(stream.NextEvent());  // the snapshot
  Insert(1, "stt", "stage_start", ", totalFiles", ", 2");
  File(1, "stt", "file_complete", "a.wav");
  File(1, "stt", "file_complete", "b.wav");
  EXPECT_EQ(NextFiles(stream, 2), (std::vector<std::string>{"a.wav", "b.wav"})) << p->Log();
  // The poll is counted after its rows were applied (and streamed): wait for the count.
  EXPECT_TRUE(WaitUntil([&] { return Metric(*p, Wakeups("inotify")) >= 1; })) << p->Log();
  EXPECT_EQ(Metric(*p, Wakeups("poll")), 0);
  EXPECT_EQ(Metric(*p, Wakeups("notify")), 0);
  // A SQLite pipeline has no LISTEN connection, so no series of one.
  EXPECT_TRUE(std::isnan(Metric(*p, "pipeline_exporter_listener_up{pipeline=\"cofi\"}")));
  EXPECT_NE(p->Log().find("wake_up=inotify"), std::string::npos) << p->Log();
}

TEST_F(WakeupTest, SqliteFileInRollbackJournalModeWakesTheTailToo) {
  SetUpDatabase(Backend::kSqlite);
  {
    std::string mode;
    sql_ << "PRAGMA journal_mode=DELETE", soci::into(mode);
    ASSERT_EQ(mode, "delete");
  }
  auto p = Start();
  SseClient stream(p->port(), "/api/stream?pipeline=cofi");
  ASSERT_TRUE(stream.NextEvent());
  Insert(1, "stt", "stage_start", ", totalFiles", ", 1");
  File(1, "stt", "file_complete", "a.wav");
  EXPECT_EQ(NextFiles(stream, 1), (std::vector<std::string>{"a.wav"})) << p->Log();
  // The poll is counted after its rows were applied (and streamed): wait for the count.
  EXPECT_TRUE(WaitUntil([&] { return Metric(*p, Wakeups("inotify")) >= 1; })) << p->Log();
  // Said once at start, with the way out.
  EXPECT_NE(p->Log().find("not in WAL mode"), std::string::npos) << p->Log();
}

TEST_F(WakeupTest, PostgresInsertReachesTheStreamThroughNotify) {
  SetUpDatabase(Backend::kPostgres);
  ASSERT_NO_THROW(ApplyMigration(server_->connect_string(), 3, "batchExecutionLog"));
  auto p = Start();
  ASSERT_TRUE(WaitUntil([&] {
    return Metric(*p, "pipeline_exporter_listener_up{pipeline=\"cofi\"}") == 1;
  })) << p->Log();
  SseClient stream(p->port(), "/api/stream?pipeline=cofi");
  ASSERT_TRUE(stream.NextEvent());
  Insert(1, "stt", "stage_start", ", totalFiles", ", 2");
  File(1, "stt", "file_complete", "a.wav");
  EXPECT_EQ(NextFiles(stream, 1), (std::vector<std::string>{"a.wav"})) << p->Log();
  // The poll is counted after its rows were applied (and streamed): wait for the count.
  EXPECT_TRUE(WaitUntil([&] { return Metric(*p, Wakeups("notify")) >= 1; })) << p->Log();
  EXPECT_EQ(Metric(*p, Wakeups("poll")), 0);
  EXPECT_EQ(Metric(*p, Wakeups("inotify")), 0);
  EXPECT_EQ(Metric(*p, "pipeline_exporter_listener_losses_total{pipeline=\"cofi\"}"), 0);

  // The server ends the LISTEN connection; rows written before it is back are not lost.
  int terminated = 0;
  sql_ << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
          "WHERE application_name = 'pipeline_exporter_listener' AND datname = current_database()",
      soci::into(terminated);
  ASSERT_EQ(terminated, 1);
  File(1, "stt", "file_complete", "during.wav");
  ASSERT_TRUE(WaitUntil([&] {
    return Metric(*p, "pipeline_exporter_listener_losses_total{pipeline=\"cofi\"}") == 1 &&
           Metric(*p, "pipeline_exporter_listener_up{pipeline=\"cofi\"}") == 1;
  })) << p->Log();
  File(1, "stt", "file_complete", "after.wav");
  EXPECT_EQ(NextFiles(stream, 2), (std::vector<std::string>{"during.wav", "after.wav"}))
      << p->Log();
  EXPECT_EQ(Metric(*p, Wakeups("poll")), 0);
  EXPECT_NE(p->Log().find("lost the LISTEN connection"), std::string::npos) << p->Log();
}

TEST_F(WakeupTest, PostgresWithoutMigration003IsSaidAndThePollStillDelivers) {
  poll_interval_ = "100ms";
  SetUpDatabase(Backend::kPostgres);
  auto p = Start();
  // Listening (on a channel nobody notifies), said so once, the read that follows listening
  // done, and the interval running.
  ASSERT_TRUE(WaitUntil([&] {
    return Metric(*p, "pipeline_exporter_listener_up{pipeline=\"cofi\"}") == 1 &&
           p->Log().find("no NOTIFY trigger") != std::string::npos &&
           Metric(*p, Wakeups("notify")) == 1 && Metric(*p, Wakeups("poll")) >= 1;
  })) << p->Log();
  SseClient stream(p->port(), "/api/stream?pipeline=cofi");
  ASSERT_TRUE(stream.NextEvent());
  Insert(1, "stt", "stage_start", ", totalFiles", ", 1");
  File(1, "stt", "file_complete", "a.wav");
  EXPECT_EQ(NextFiles(stream, 1), (std::vector<std::string>{"a.wav"})) << p->Log();
  EXPECT_EQ(Metric(*p, Wakeups("notify")), 1) << p->Log();
}

}  // namespace
}  // namespace pipeline_exporter

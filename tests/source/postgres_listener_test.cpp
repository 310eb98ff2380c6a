// The listener against a real PostgreSQL server: a NOTIFY from migration 003's trigger wakes
// it; a connection ended by the server, or one that stops answering, is reported lost and
// opened again.

#include "exporter/source/postgres_listener.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <soci/soci.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "exporter/source/schema_bootstrap.h"
#include "exporter/util/clock.h"
#include "tests/e2e/database_server.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

class PostgresListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      server_ = DatabaseServer::Start(Backend::kPostgres);
    } catch (const std::exception& e) {
      FAIL() << "PostgreSQL could not be started: " << e.what();
    }
    EnsureEventTable(server_->connect_string(), "batchExecutionLog");
    sql_.open(server_->connect_string());
    db_ =
        std::make_unique<Database>(server_->readonly_connect_string(), "batchExecutionLog", clock_);
  }

  std::unique_ptr<PostgresListener> Listener(ListenerOptions options = {}) {
    return std::make_unique<PostgresListener>(
        *db_, "p", clock_, [this] { ++notified_; },
        [this](ListenerEvent e) {
          std::lock_guard lock(mu_);
          events_.push_back(e);
        },
        options);
  }
  std::vector<ListenerEvent> Events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  bool Listening(std::size_t times) {
    const auto e = Events();
    return std::count(e.begin(), e.end(), ListenerEvent::kListening) >= static_cast<long>(times) &&
           !e.empty() && e.back() == ListenerEvent::kListening;
  }
  int ListenerPid() {
    int pid = 0;
    soci::indicator ind = soci::i_null;
    sql_ << "SELECT MAX(pid) FROM pg_stat_activity "
            "WHERE application_name = 'pipeline_exporter_listener'",
        soci::into(pid, ind);
    return ind == soci::i_ok ? pid : 0;
  }
  void Insert() {
    sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType) VALUES (1, 's', "
            "'stage_start')";
  }

  SystemClock clock_;
  std::unique_ptr<DatabaseServer> server_;
  soci::session sql_;
  std::unique_ptr<Database> db_;
  std::atomic<int> notified_{0};
  std::mutex mu_;
  std::vector<ListenerEvent> events_;
};

TEST_F(PostgresListenerTest, AnInsertNotifiesItThroughMigration003sTrigger) {
  ApplyMigration(server_->connect_string(), 3, "batchExecutionLog");
  auto listener = Listener();
  EXPECT_EQ(listener->channel(), "batchexecutionlog");
  listener->Start();
  ASSERT_TRUE(WaitUntil([&] { return Listening(1); }));
  ASSERT_TRUE(WaitUntil([&] { return notified_ == 1; }));  // once on listening
  Insert();
  EXPECT_TRUE(WaitUntil([&] { return notified_ >= 2; }));
  // One INSERT statement of many rows is one notification (a statement-level trigger).
  const int before = notified_;
  sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType) "
          "SELECT 2, 's', 'file_complete' FROM generate_series(1, 500)";
  Insert();  // a marker: its notification comes after the bulk one
  EXPECT_TRUE(WaitUntil([&] { return notified_ >= before + 1; }));
  EXPECT_LE(notified_, before + 2);
  listener->Stop();
  EXPECT_EQ(Events(), std::vector<ListenerEvent>{ListenerEvent::kListening});
}

TEST_F(PostgresListenerTest, AConnectionEndedByTheServerIsReportedAndOpenedAgain) {
  ApplyMigration(server_->connect_string(), 3, "batchExecutionLog");
  ListenerOptions o;
  o.retry = std::chrono::milliseconds(50);
  auto listener = Listener(o);
  listener->Start();
  ASSERT_TRUE(WaitUntil([&] { return Listening(1); }));
  const int first = ListenerPid();
  ASSERT_GT(first, 0);
  sql_ << "SELECT pg_terminate_backend(" + std::to_string(first) + ")";
  ASSERT_TRUE(WaitUntil([&] { return Listening(2); }));
  EXPECT_EQ(Events(), (std::vector<ListenerEvent>{ListenerEvent::kListening, ListenerEvent::kLost,
                                                  ListenerEvent::kListening}));
  EXPECT_NE(ListenerPid(), first);
  const int before = notified_;
  Insert();
  EXPECT_TRUE(WaitUntil([&] { return notified_ > before; }));
}

TEST_F(PostgresListenerTest, AConnectionThatStopsAnsweringIsTakenAsLost) {
  ListenerOptions o;
  o.keepalive = std::chrono::milliseconds(100);
  o.reply_timeout = std::chrono::milliseconds(200);
  o.retry = std::chrono::milliseconds(50);
  auto listener = Listener(o);
  listener->Start();
  ASSERT_TRUE(WaitUntil([&] { return Listening(1); }));
  const int backend = ListenerPid();
  ASSERT_GT(backend, 0);
  // The server process stops answering but its socket stays open: a silent death.
  ASSERT_EQ(kill(backend, SIGSTOP), 0);
  const bool lost = WaitUntil([&] {
    const auto e = Events();
    return std::count(e.begin(), e.end(), ListenerEvent::kLost) == 1;
  });
  kill(backend, SIGCONT);
  ASSERT_TRUE(lost);
  EXPECT_TRUE(WaitUntil([&] { return Listening(2); }));
  listener->Stop();
}

TEST_F(PostgresListenerTest, StopIsPromptWhileListeningAndWhileWaitingToRetry) {
  ListenerOptions o;
  o.keepalive = std::chrono::hours(1);
  o.retry = std::chrono::hours(1);
  auto listener = Listener(o);
  listener->Start();
  ASSERT_TRUE(WaitUntil([&] { return Listening(1); }));
  listener->Stop();  // returns although the keepalive is an hour away
  listener->Stop();
  server_->Stop();
  auto failing = Listener(o);
  failing->Start();
  failing->Stop();  // returns although the retry is an hour away
  EXPECT_EQ(Events().size(), 1u);
}

}  // namespace
}  // namespace pipeline_exporter

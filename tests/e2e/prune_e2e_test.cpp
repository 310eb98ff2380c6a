// Retention through the real binary on SQLite, MariaDB and PostgreSQL: `pipeline_exporter
// prune` (dry run, whole batches, running and paused batches kept, control rows, bad input, a
// read-only user, a database that is down), and `retention:` in a running exporter while a
// pipeline writes at full speed, compared figure by figure with an exporter on a replica of
// the table that is never pruned — also after a restart.

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/e2e/exporter_harness.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

class PruneE2ETest : public ExporterHarness, public ::testing::TestWithParam<Backend> {
 protected:
  // The database's time `days` ago, as a value of the timestamp column.
  std::string DaysAgo(int days) const {
    const std::string d = std::to_string(days);
    switch (GetParam()) {
      case Backend::kSqlite:
        return "strftime('%Y-%m-%d %H:%M:%f', 'now', '-" + d + " days')";
      case Backend::kMariaDb:
        return "UTC_TIMESTAMP(3) - INTERVAL " + d + " DAY";
      case Backend::kPostgres:
        return "now() - interval '" + d + " days'";
    }
    return "";
  }
  void Row(const std::string& table, int batch, const std::string& stage, const std::string& type,
           const std::string& file = "", int days_ago = -1) {
    sql_ << "INSERT INTO " + table + " (batchId, stage, eventType, fileName" +
                (days_ago >= 0 ? ", timestamp" : "") + ") VALUES (" + std::to_string(batch) + ", " +
                (stage.empty() ? "NULL" : Quote(stage)) + ", " + Quote(type) + ", " +
                (file.empty() ? "NULL" : Quote(file)) +
                (days_ago >= 0 ? ", " + DaysAgo(days_ago) : "") + ")";
  }
  // A whole batch of `files` files through one stage, `days_ago` old; `end` its last event
  // (empty: none, it runs).
  void Batch(const std::string& table, int batch, int files, int days_ago,
             const std::string& end = "batch_complete") {
    Row(table, batch, "", "batch_start", "", days_ago);
    Row(table, batch, "stt", "stage_start", "", days_ago);
    for (int i = 0; i < files; ++i) {
      Row(table, batch, "stt", "file_complete", "f" + std::to_string(i), days_ago);
    }
    if (!end.empty()) Row(table, batch, "", end, "", days_ago);
  }
  long long Count(const std::string& q) {
    long long n = 0;
    sql_ << q, soci::into(n);
    return n;
  }
  // `pipeline_exporter prune` with `args`, on a configuration for `database`: (exit, output).
  std::pair<int, std::string> Prune(const std::string& database, const std::string& args) {
    std::ofstream(dir_.File("prune.yml"))
        << "pipelines:\n  - name: cofi\n    database: \"" << database << "\"\n";
    std::string out;
    const int rc = RunCommand(std::string(PE_EXPORTER_BINARY) +
                                  " prune --config.file=" + dir_.File("prune.yml") + " " + args,
                              &out);
    return {rc, out};
  }
};

INSTANTIATE_TEST_SUITE_P(AllDatabases, PruneE2ETest,
                         ::testing::Values(Backend::kSqlite, Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

TEST_P(PruneE2ETest, ThePruneCommandDeletesWholeOldBatchesAndKeepsRunningAndPausedOnes) {
  SetUpDatabase(GetParam());
  const std::string t = "batchExecutionLog";
  Batch(t, 1, 30, 40);
  Batch(t, 2, 30, 35, "batch_failed");
  Batch(t, 3, 30, 31, "batch_canceled");
  Batch(t, 4, 30, 60, "batch_paused");  // held for two months: a person decides
  Batch(t, 5, 30, 0, "");               // running
  Batch(t, 6, 30, 5);                   // young
  Batch(t, 7, 30, 45, "");              // no outcome, quiet for 45 days: abandoned
  sql_ << "INSERT INTO batchControl (batchId, action, requestedBy) VALUES (1, 'pause', 'alice')";
  sql_ << "INSERT INTO batchControl (batchId, action, requestedBy) VALUES (6, 'pause', 'alice')";
  const long long before = Count("SELECT COUNT(*) FROM batchExecutionLog");

  auto [rc, out] = Prune(server_->connect_string(), "--older-than=30d --dry-run");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("dry_run=true batches=4 rows="), std::string::npos) << out;
  EXPECT_NE(out.find("kept_running=1 kept_paused=1 kept_young=1"), std::string::npos) << out;
  EXPECT_NE(out.find("prune: would delete 4 batches, 131 rows"), std::string::npos) << out;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog"), before);

  if (GetParam() != Backend::kSqlite) {
    // The exporter's own read-only user: refused, said, nothing deleted.
    std::tie(rc, out) = Prune(server_->readonly_connect_string(), "--older-than=30d");
    EXPECT_EQ(rc, 1) << out;
    EXPECT_NE(out.find("prune pipeline=\"cofi\" error="), std::string::npos) << out;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog"), before);
  }

  std::tie(rc, out) = Prune(server_->connect_string(), "--older-than=30d --batch-size=7");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("prune: deleted 4 batches, 131 rows from 1 pipeline(s)"), std::string::npos)
      << out;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog WHERE batchId IN (1, 2, 3, 7)"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog WHERE batchId IN (4, 5, 6)"),
            33 + 32 + 33);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchControl"), 1);  // batch 6's stays

  // Bad input: exit 2, nothing deleted.
  for (const char* args :
       {"--older-than=soon", "--keep-batches=-1", "--pipeline=nope --keep-batches=0",
        "--batch-size=0 --keep-batches=0", ""}) {
    std::tie(rc, out) = Prune(server_->connect_string(), args);
    EXPECT_EQ(rc, 2) << args << ": " << out;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog"), 98);
}

TEST_P(PruneE2ETest, ADatabaseThatIsDownIsAFailureThatSaysSo) {
  SetUpDatabase(GetParam());
  std::string down;
  switch (GetParam()) {
    case Backend::kSqlite:
      down = "sqlite3://db=" + dir_.File("no-such-dir/events.db");
      break;
    case Backend::kMariaDb:
      down = "mysql://host=127.0.0.1 port=" + std::to_string(FreePort()) +
             " db=pe user=pe password=pe";
      break;
    case Backend::kPostgres:
      down = "postgresql://host=127.0.0.1 port=" + std::to_string(FreePort()) +
             " dbname=pe user=pe password=pe connect_timeout=3";
      break;
  }
  const auto [rc, out] = Prune(down, "--keep-batches=1");
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("error="), std::string::npos) << out;
  EXPECT_NE(out.find("(with failures)"), std::string::npos) << out;
}

// Two tables written row for row: the exporter on "pruned" prunes every 100 ms while the
// pipeline writes its current batch at full speed; the one on "replica" never prunes. Every
// figure of the current batch is the same on both, before and after a restart.
TEST_P(PruneE2ETest, RetentionWhileAPipelineWritesChangesNoLiveFigure) {
  SetUpDatabase(GetParam());
  for (const char* table : {"pruned", "replica"}) {
    ASSERT_NO_THROW(
        EnsureEventTable(server_->connect_string(), table, std::string(table) + "Control"));
  }
  for (int b = 1; b <= 6; ++b) {
    for (const char* table : {"pruned", "replica"}) Batch(table, b, 40, 40);
  }
  auto config = [&](const std::string& table, bool retention) {
    std::string c = "pipelines:\n  - name: cofi\n    database: \"" + server_->connect_string() +
                    "\"\n    table: " + table + "\n    control_table: " + table +
                    "Control\n    poll_interval: 50ms\n    stages: [denoise, stt, llm]\n";
    if (retention) {
      c += "retention:\n  enabled: true\n  older_than: 30d\n  keep_batches: 1\n  interval: "
           "100ms\n  batch_size: 25\n";
    }
    std::ofstream(dir_.File(table + ".yml")) << c;
    return "--config.file=" + dir_.File(table + ".yml");
  };
  auto start = [&](const std::string& table, bool retention) {
    auto p = std::make_unique<ExporterProcess>(
        std::vector<std::string>{config(table, retention), "--web.listen-address=127.0.0.1:0"},
        dir_.path().string(), dir_.File(table + std::to_string(++runs_) + ".log"));
    EXPECT_TRUE(p->WaitReady()) << p->Log();
    return p;
  };
  auto pruned = start("pruned", true);
  auto replica = start("replica", false);

  // The pipeline: batch 7 through three stages, 300 files each with failures, as fast as the
  // database takes it, the same rows into both tables.
  std::atomic<bool> done{false};
  std::thread writer([&] {
    soci::session sql(server_->connect_string() + (GetParam() == Backend::kSqlite
                                                       ? std::string(" timeout=30")
                                                       : std::string()));
    auto both = [&](const std::string& values) {
      for (const char* table : {"pruned", "replica"}) {
        sql << "INSERT INTO " + std::string(table) +
                   " (batchId, stage, eventType, fileName, totalFiles, errorMessage) VALUES " +
                   values;
      }
    };
    both("(7, NULL, 'batch_start', NULL, 300, NULL)");
    for (const char* stage : {"denoise", "stt", "llm"}) {
      both("(7, '" + std::string(stage) + "', 'stage_start', NULL, 300, NULL)");
      for (int i = 0; i < 300; ++i) {
        const std::string file = "'f" + std::to_string(i) + "'";
        if (i % 17 == 3) {
          both("(7, '" + std::string(stage) + "', 'error', " + file + ", NULL, 'oom')");
        } else {
          both("(7, '" + std::string(stage) + "', 'file_complete', " + file + ", NULL, NULL)");
        }
      }
      both("(7, '" + std::string(stage) + "', 'stage_complete', NULL, NULL, NULL)");
    }
    both("(7, NULL, 'batch_complete', NULL, NULL, NULL)");
    done = true;
  });
  writer.join();
  ASSERT_TRUE(done);

  const std::string pruned_rows = "pipeline_exporter_pruned_batches_total{pipeline=\"cofi\"}";
  EXPECT_TRUE(WaitUntil([&] { return Metric(*pruned, pruned_rows) == 6; }, seconds(30)))
      << pruned->Log();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pruned WHERE batchId < 7"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM replica WHERE batchId < 7"), 6 * 43);
  EXPECT_EQ(Metric(*pruned, "pipeline_exporter_pruned_rows_total{pipeline=\"cofi\"}"), 6 * 43);
  EXPECT_EQ(
      Metric(*pruned, "pipeline_exporter_prune_runs_total{pipeline=\"cofi\",result=\"failure\"}"),
      0);

  // The current batch's figures, as the page and Prometheus see them.
  auto figures = [](const ExporterProcess& p) {
    json out;
    const json j = json::parse(p.Get("/api/current-batch").body);
    out["batch"] = {j["batch"]["id"], j["batch"]["status"], j["batch"]["files"]};
    for (const auto& s : j["stages"]) {
      out["stages"].push_back(
          {s["id"], s["status"], s["total"], s["processed"], s["failed"], s["progress"]});
    }
    for (const auto& [series, value] : Metrics(p)) {
      for (const char* name :
           {"pipeline_stage_files", "pipeline_stage_status", "pipeline_batch_status",
            "pipeline_batch_files", "pipeline_stage_progress_ratio", "pipeline_batch_info"}) {
        if (series.rfind(std::string(name) + "{", 0) == 0) out["metrics"][series] = value;
      }
    }
    return out;
  };
  auto caught_up = [&](const ExporterProcess& p, const std::string& table) {
    const double want = static_cast<double>(Count("SELECT MAX(id) FROM " + table));
    return WaitUntil(
        [&] { return Metric(p, "pipeline_exporter_last_event_id{pipeline=\"cofi\"}") == want; },
        seconds(30));
  };
  ASSERT_TRUE(caught_up(*pruned, "pruned"));
  ASSERT_TRUE(caught_up(*replica, "replica"));
  const json expected = figures(*replica);
  EXPECT_EQ(expected["batch"][1], "complete");
  EXPECT_EQ(expected["stages"].size(), 3u);
  EXPECT_EQ(expected["stages"][1][3], 300 - 18);  // 18 of 300 failed
  EXPECT_EQ(figures(*pruned), expected);

  // A restart reads the pruned table afresh: the same figures.
  pruned->Terminate();
  pruned = start("pruned", true);
  ASSERT_TRUE(caught_up(*pruned, "pruned"));
  EXPECT_EQ(figures(*pruned), expected);
}

// PostgreSQL's monthly partitions (docs/postgresql-partitioning.sql): the exporter tails the
// partitioned table; the document's check finds a batch that reaches into the next month;
// prune deletes it whole; the old month is then dropped, and the exporter does not notice.
TEST(PrunePartitionsE2ETest, MonthlyPartitionsOnPostgresql) {
  std::unique_ptr<DatabaseServer> server;
  ASSERT_NO_THROW(server = DatabaseServer::Start(Backend::kPostgres));
  soci::session sql(server->connect_string());
  const std::string doc =
      ReadFile(std::string(PE_SOURCE_DIR) + "/docs/postgresql-partitioning.sql");
  ASSERT_FALSE(doc.empty());
  std::string statement;
  std::istringstream lines(doc);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("--", 0) == 0) continue;
    statement += line + "\n";
    if (!line.empty() && line.back() == ';') {
      sql << statement;
      statement.clear();
    }
  }
  ASSERT_NO_THROW(ApplyMigration(server->connect_string(), 2, "batchExecutionLog"));
  sql << "CREATE TABLE batchExecutionLog_old PARTITION OF batchExecutionLog FOR VALUES FROM "
         "('2000-01-01 00:00:00+00') TO (date_trunc('month', now()) - interval '1 month')";
  sql << "CREATE TABLE batchExecutionLog_last PARTITION OF batchExecutionLog FOR VALUES FROM "
         "(date_trunc('month', now()) - interval '1 month') TO (date_trunc('month', now()))";
  auto row = [&](int batch, const std::string& type, const std::string& when) {
    sql << "INSERT INTO batchExecutionLog (batchId, stage, eventType, timestamp) VALUES (" +
               std::to_string(batch) + ", 'stt', '" + type + "', " + when + ")";
  };
  const std::string old_month =
      "date_trunc('month', now()) - interval '1 month' - interval '3 days'";
  const std::string last_month = "date_trunc('month', now()) - interval '10 days'";
  row(1, "batch_start", old_month);  // wholly in the old month
  row(1, "batch_complete", old_month);
  row(2, "batch_start", old_month);  // reaches into last month
  row(2, "batch_complete", last_month);
  row(3, "batch_start", "now()");  // the current batch
  row(3, "stage_start", "now()");

  TempDir dir;
  std::ofstream(dir.File("exporter.yml"))
      << "pipelines:\n  - name: cofi\n    database: \"" << server->connect_string()
      << "\"\n    poll_interval: 50ms\n    replay: 400d\n";
  ExporterProcess p(
      {"--config.file=" + dir.File("exporter.yml"), "--web.listen-address=127.0.0.1:0"},
      dir.path().string(), dir.File("exporter.log"));
  ASSERT_TRUE(p.WaitReady()) << p.Log();
  auto current = [&] {
    const auto j = nlohmann::json::parse(p.Get("/api/current-batch").body, nullptr, false);
    return j.is_object() && j["batch"].is_object() ? j["batch"]["id"].get<int>() : 0;
  };
  ASSERT_TRUE(WaitUntil([&] { return current() == 3; })) << p.Log();

  long long spanning = 0;
  sql << "SELECT COUNT(*) FROM batchExecutionLog_old o WHERE EXISTS (SELECT 1 FROM "
         "batchExecutionLog n WHERE n.batchId = o.batchId AND n.timestamp >= "
         "date_trunc('month', now()) - interval '1 month')",
      soci::into(spanning);
  EXPECT_EQ(spanning, 1);  // batch 2: dropping the month now would cut it
  std::ofstream(dir.File("prune.yml"))
      << "pipelines:\n  - name: cofi\n    database: \"" << server->connect_string() << "\"\n";
  std::string out;
  EXPECT_EQ(RunCommand(std::string(PE_EXPORTER_BINARY) +
                           " prune --config.file=" + dir.File("prune.yml") + " --older-than=1d",
                       &out),
            0)
      << out;
  EXPECT_NE(out.find("prune: deleted 2 batches, 4 rows"), std::string::npos) << out;
  sql << "SELECT COUNT(*) FROM batchExecutionLog_old o WHERE EXISTS (SELECT 1 FROM "
         "batchExecutionLog n WHERE n.batchId = o.batchId AND n.timestamp >= "
         "date_trunc('month', now()) - interval '1 month')",
      soci::into(spanning);
  EXPECT_EQ(spanning, 0);
  sql << "ALTER TABLE batchExecutionLog DETACH PARTITION batchExecutionLog_old";
  sql << "DROP TABLE batchExecutionLog_old";
  row(3, "stage_complete", "now()");
  const double last_id = [&] {
    long long id = 0;
    sql << "SELECT MAX(id) FROM batchExecutionLog", soci::into(id);
    return static_cast<double>(id);
  }();
  EXPECT_TRUE(WaitUntil([&] {
    const auto m = ParseMetrics(p.Get("/metrics").body);
    const auto it = m.find("pipeline_exporter_last_event_id{pipeline=\"cofi\"}");
    return it != m.end() && it->second == last_id;
  })) << p.Log();
  EXPECT_EQ(current(), 3);
  EXPECT_EQ(p.Terminate(), 0);
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/app/retention_worker.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "exporter/core/exposition/text_format.h"
#include "exporter/source/schema_bootstrap.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

std::string Text(const RetentionMetrics& m) {
  std::string out;
  AppendTextFormat(m.Collect(), out);
  return out;
}

TEST(RetentionWorkerTest, PrunesOnItsScheduleAndCountsFailuresWithoutStopping) {
  TempDir dir;
  const std::string cs = "sqlite3://db=" + dir.File("events.db");
  EnsureEventTable(cs, "batchExecutionLog");
  {
    soci::session sql(cs);
    for (int b = 1; b <= 3; ++b) {
      sql << "INSERT INTO batchExecutionLog (batchId, eventType, timestamp) VALUES (" +
                 std::to_string(b) +
                 ", 'batch_complete', strftime('%Y-%m-%d %H:%M:%f', 'now', '-40 days'))";
    }
  }
  FakeClock clock;
  clock.Set(1'700'000'000'000);
  Database good_db(cs, "batchExecutionLog", clock);
  Database bad_db("sqlite3://db=" + dir.File("events.db"), "noSuchTable", clock);
  SociPruner good(good_db, "batchControl");
  SociPruner bad(bad_db, "batchControl");
  RetentionMetrics metrics;
  PruneOptions options;
  options.policy.older_than_ms = 30LL * 86400000;
  options.policy.keep_batches = 1;
  RetentionWorker worker({{"good", &good}, {"bad", &bad}}, options, 50, 0, metrics, clock);
  // Registered pipelines show from 0 before the first round.
  EXPECT_NE(Text(metrics).find("pipeline_exporter_pruned_rows_total{pipeline=\"bad\"} 0"),
            std::string::npos);
  worker.Start();
  EXPECT_TRUE(WaitUntil([&] {
    const std::string t = Text(metrics);
    return t.find("pipeline_exporter_prune_runs_total{pipeline=\"good\",result=\"success\"} 2") !=
               std::string::npos &&
           t.find("pipeline_exporter_prune_runs_total{pipeline=\"bad\",result=\"failure\"} 2") !=
               std::string::npos;
  })) << Text(metrics);
  worker.Stop();
  const std::string t = Text(metrics);
  EXPECT_NE(t.find("pipeline_exporter_pruned_rows_total{pipeline=\"good\"} 2\n"), std::string::npos)
      << t;
  EXPECT_NE(t.find("pipeline_exporter_pruned_batches_total{pipeline=\"good\"} 2\n"),
            std::string::npos);
  EXPECT_NE(t.find("pipeline_exporter_last_prune_success_timestamp_seconds{pipeline=\"good\"} "
                   "1700000000\n"),
            std::string::npos);
  EXPECT_NE(t.find("pipeline_exporter_last_prune_success_timestamp_seconds{pipeline=\"bad\"} 0\n"),
            std::string::npos);
  soci::session sql(cs);
  long long left = 0;
  sql << "SELECT COUNT(*) FROM batchExecutionLog", soci::into(left);
  EXPECT_EQ(left, 1);
}

}  // namespace
}  // namespace pipeline_exporter

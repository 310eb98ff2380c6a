#include "exporter/source/soci_pruner.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "exporter/source/schema_bootstrap.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pipeline_exporter {
namespace {

class SociPrunerTest : public ::testing::Test {
 protected:
  SociPrunerTest() : cs_("sqlite3://db=" + dir_.File("events.db")) {
    EXPECT_TRUE(EnsureEventTable(cs_, "batchExecutionLog"));
    sql_.open(cs_);
  }
  // A batch of `files` file rows between batch_start and (when `ended`) batch_complete,
  // stamped `days_ago` days before the database's now.
  void AddBatch(int batch, int files, int days_ago, bool ended = true) {
    const std::string ts =
        "strftime('%Y-%m-%d %H:%M:%f', 'now', '-" + std::to_string(days_ago) + " days')";
    auto row = [&](const std::string& type, const std::string& file) {
      sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName, requestPayload, "
              "timestamp) VALUES (" +
                  std::to_string(batch) + ", 'stt', '" + type + "', " +
                  (file.empty() ? "NULL" : "'" + file + "'") + ", '" + std::string(2000, 'p') +
                  "', " + ts + ")";
    };
    row("batch_start", "");
    for (int i = 0; i < files; ++i) row("file_complete", "f" + std::to_string(i));
    if (ended) row("batch_complete", "");
  }
  long long Count(const std::string& q) {
    long long n = 0;
    sql_ << q, soci::into(n);
    return n;
  }

  TempDir dir_;
  std::string cs_;
  soci::session sql_;
  FakeClock clock_;
  Database db_{cs_, "batchExecutionLog", clock_};
  SociPruner pruner_{db_, "batchControl"};
};

TEST_F(SociPrunerTest, FactsAreWhatTheRowsSay) {
  AddBatch(1, 3, 40);
  AddBatch(2, 2, 0, /*ended=*/false);
  sql_ << "INSERT INTO batchExecutionLog (batchId, eventType) VALUES (2, 'batch_paused')";
  std::int64_t now = 0;
  auto facts = pruner_.ReadFacts(&now);
  ASSERT_EQ(facts.size(), 2u);
  EXPECT_GT(now, 1'700'000'000'000);
  const BatchFacts& one = facts[0].batch_id == 1 ? facts[0] : facts[1];
  const BatchFacts& two = facts[0].batch_id == 2 ? facts[0] : facts[1];
  EXPECT_EQ(one.rows, 5);
  EXPECT_EQ(one.last_id, 5);
  EXPECT_EQ(one.last_start, 1);
  EXPECT_EQ(one.last_outcome, 5);
  EXPECT_NEAR(static_cast<double>(now - one.last_ms), 40.0 * 86400000, 60000);
  EXPECT_EQ(two.rows, 4);
  EXPECT_EQ(two.last_outcome, 0);
  EXPECT_EQ(two.last_paused, 9);
  EXPECT_LT(now - two.last_ms, 60000);
}

TEST_F(SociPrunerTest, DeletesChosenBatchesWholeInSmallTransactionsAndTheirControlRows) {
  AddBatch(1, 23, 40);
  AddBatch(2, 5, 35);
  AddBatch(3, 5, 1);
  AddBatch(4, 5, 40, /*ended=*/false);  // stalled for 40 days: goes too
  sql_ << "INSERT INTO batchControl (batchId, action, requestedBy) VALUES (1, 'pause', 'alice')";
  sql_ << "INSERT INTO batchControl (batchId, action, requestedBy) VALUES (3, 'pause', 'alice')";
  PruneOptions o;
  o.policy.older_than_ms = 30LL * 86400000;
  o.batch_size = 4;
  o.dry_run = true;
  PruneResult r = pruner_.Prune(o);
  EXPECT_EQ(r.plan.prune.size(), 3u);
  EXPECT_EQ(r.plan.rows, 25 + 7 + 6);
  EXPECT_EQ(r.rows_deleted, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog"), 25 + 7 + 7 + 6);

  o.dry_run = false;
  r = pruner_.Prune(o);
  EXPECT_EQ(r.batches_deleted, 3u);
  EXPECT_EQ(r.rows_deleted, 38);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog WHERE batchId <> 3"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog WHERE batchId = 3"), 7);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchControl"), 1);
  // A second run finds nothing more.
  EXPECT_EQ(pruner_.Prune(o).rows_deleted, 0);
}

TEST_F(SociPrunerTest, AStopBetweenTransactionsLeavesTheRestForTheNextRun) {
  AddBatch(1, 20, 40);
  int asked = 0;
  const std::int64_t deleted = pruner_.DeleteBatch(1, 5, [&asked] { return ++asked >= 2; });
  EXPECT_EQ(deleted, 10);  // two transactions of five, the oldest rows
  EXPECT_EQ(Count("SELECT MIN(id) FROM batchExecutionLog"), 11);
  PruneOptions o;
  o.policy.older_than_ms = 30LL * 86400000;
  EXPECT_EQ(pruner_.Prune(o).rows_deleted, 12);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog"), 0);
}

TEST_F(SociPrunerTest, TheSqliteFileShrinks) {
  EXPECT_EQ(Count("PRAGMA auto_vacuum"), 2);  // migration 001 makes new files INCREMENTAL
  for (int b = 1; b <= 20; ++b) AddBatch(b, 50, 40);
  AddBatch(21, 50, 0);
  const long long before = Count("PRAGMA page_count");
  PruneOptions o;
  o.policy.older_than_ms = 30LL * 86400000;
  const PruneResult r = pruner_.Prune(o);
  EXPECT_EQ(r.batches_deleted, 20u);
  EXPECT_GT(r.pages_freed, 0);
  const long long after = Count("PRAGMA page_count");
  EXPECT_LT(after * 5, before) << before << " → " << after << " pages";
  EXPECT_EQ(Count("PRAGMA freelist_count"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batchExecutionLog"), 52);
}

}  // namespace
}  // namespace pipeline_exporter

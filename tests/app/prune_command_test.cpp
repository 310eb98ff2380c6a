#include "exporter/app/prune_command.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <sstream>

#include "exporter/source/schema_bootstrap.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pipeline_exporter {
namespace {

class PruneCommandTest : public ::testing::Test {
 protected:
  PruneCommandTest() {
    const std::string cs = "sqlite3://db=" + dir_.File("events.db");
    EnsureEventTable(cs, "batchExecutionLog");
    soci::session sql(cs);
    for (int b = 1; b <= 4; ++b) {
      const std::string ts = "strftime('%Y-%m-%d %H:%M:%f', 'now', '-" +
                             std::to_string(b == 4 ? 0 : 50 - b) + " days')";
      for (const char* type : {"batch_start", "info", "batch_complete"}) {
        sql << "INSERT INTO batchExecutionLog (batchId, eventType, timestamp) VALUES (" +
                   std::to_string(b) + ", '" + type + "', " + ts + ")";
      }
    }
    PipelineConfig p;
    p.spec.name = "cofi";
    p.database = cs;
    config_.pipelines.push_back(p);
  }
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    const PruneFlagsResult parsed = ParsePruneFlags(args);
    EXPECT_FALSE(parsed.error);
    return RunPrune(parsed.flags, config_, clock_, out_, err_, stop_);
  }

  TempDir dir_;
  Config config_;
  FakeClock clock_;
  std::ostringstream out_, err_;
  std::atomic<bool> stop_{false};
};

TEST_F(PruneCommandTest, DryRunThenPruneWithOneLinePerPipelineAndASummary) {
  EXPECT_EQ(Run({"--older-than=30d", "--keep-batches=1", "--dry-run"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("prune pipeline=\"cofi\" dry_run=true batches=3 rows=9 kept_recent=1 "
                            "kept_running=0 kept_paused=0 kept_young=0"),
            std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("batch_ids=\"1..3\""), std::string::npos);
  EXPECT_NE(out_.str().find("prune: would delete 3 batches, 9 rows from 1 pipeline(s)"),
            std::string::npos);
  EXPECT_EQ(Run({"--older-than=30d", "--keep-batches=2"}), 0);
  EXPECT_NE(out_.str().find("prune: deleted 2 batches, 6 rows"), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"--older-than=30d"}), 0);
  EXPECT_NE(out_.str().find("prune: deleted 1 batches, 3 rows"), std::string::npos);
  EXPECT_EQ(Run({"--older-than=30d"}), 0);  // nothing left that is due: still a success
  EXPECT_NE(out_.str().find("prune: deleted 0 batches, 0 rows"), std::string::npos);
}

TEST_F(PruneCommandTest, BadInputAndAFailingDatabase) {
  EXPECT_EQ(Run({"--keep-batches=1", "--pipeline=nope"}), 2);
  EXPECT_NE(err_.str().find("\"nope\" is not a configured pipeline"), std::string::npos);
  EXPECT_EQ(Run({}), 2);  // nothing says what stays
  EXPECT_NE(err_.str().find("say what stays"), std::string::npos);
  config_.pipelines[0].database = "postgresql://host=127.0.0.1 port=1 dbname=x connect_timeout=2";
  EXPECT_EQ(Run({"--keep-batches=1"}), 1);
  EXPECT_NE(err_.str().find("prune pipeline=\"cofi\" error="), std::string::npos) << err_.str();
  EXPECT_NE(out_.str().find("(with failures)"), std::string::npos);
  std::ostringstream out, err;
  EXPECT_EQ(RunPruneCommand({"--older-than=soon"}, out, err, stop_), 2);
  EXPECT_EQ(
      RunPruneCommand({"--config.file=/nonexistent.yml", "--keep-batches=1"}, out, err, stop_), 2);
  EXPECT_NE(err.str().find("bad configuration"), std::string::npos);
}

TEST_F(PruneCommandTest, TheConfigurationsRetentionDecidesWithoutFlags) {
  config_.retention.enabled = true;
  config_.retention.keep_batches = 3;
  EXPECT_EQ(Run({}), 0) << err_.str();
  EXPECT_NE(out_.str().find("prune: deleted 1 batches, 3 rows"), std::string::npos) << out_.str();
}

}  // namespace
}  // namespace pipeline_exporter

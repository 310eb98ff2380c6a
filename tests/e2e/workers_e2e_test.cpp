// Workers and sub-stages through the real binary on SQLite, MariaDB and PostgreSQL, the test
// acting as the pipeline: files spread over three GPUs (one retrying another's failures, one
// failing, rows without a worker) and sub-stages with a re-run; the metrics, /api/workers and
// the current batch's sub-stages must equal what the test knows it wrote. A table without
// migration 002's subStage column still tails (its sub-stage rows are rejected as such).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/exporter_harness.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

class WorkersE2ETest : public ExporterHarness, public ::testing::TestWithParam<Backend> {
 protected:
  void FileOn(const std::string& type, const std::string& file, const std::string& gpu) {
    if (gpu.empty()) {
      File(1, "stt", type, file);
    } else {
      Insert(1, "stt", type, ", fileName, gpuIp", ", " + Quote(file) + ", " + Quote(gpu));
    }
  }
  void Sub(const std::string& type, const std::string& sub) {
    Insert(1, "stt", type, ", subStage", ", " + Quote(sub));
  }
  static std::string Series(const std::string& name, const std::string& worker) {
    return name + "{pipeline=\"cofi\",pipeline_stage=\"stt\",worker=\"" + worker + "\"}";
  }
};

INSTANTIATE_TEST_SUITE_P(AllDatabases, WorkersE2ETest,
                         ::testing::Values(Backend::kSqlite, Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

TEST_P(WorkersE2ETest, WorkerFiguresAndSubStagesEqualWhatThePipelineWrote) {
  SetUpDatabase(GetParam());
  auto p = Start();
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 6");
  Sub("substage_start", "load_model");
  FileOn("file_complete", "a.wav", "10.0.0.1");
  FileOn("file_complete", "b.wav", "10.0.0.1");
  FileOn("error", "c.wav", "10.0.0.2");
  FileOn("file_complete", "c.wav", "10.0.0.3");  // the retry succeeds elsewhere
  FileOn("error", "d.wav", "10.0.0.2");
  FileOn("file_complete", "e.wav", "");          // no worker: the stage's only
  FileOn("file_complete", "a.wav", "10.0.0.3");  // a duplicate: still 10.0.0.1's
  Sub("substage_complete", "load_model");
  Sub("substage_start", "transcribe");
  Sub("substage_complete", "transcribe");
  Sub("substage_start", "transcribe");  // a re-run of it
  WaitCaughtUp(*p);

  // The truth: 10.0.0.1 completed a and b; 10.0.0.2 failed c (then moved) and d; 10.0.0.3
  // completed c. Since start, counters only grow: 10.0.0.2 failed 2.
  const auto m = Metrics(*p);
  EXPECT_EQ(m.at(Series("pipeline_worker_files_completed_total", "10.0.0.1")), 2);
  EXPECT_EQ(m.at(Series("pipeline_worker_files_failed_total", "10.0.0.2")), 2);
  EXPECT_EQ(m.at(Series("pipeline_worker_files_completed_total", "10.0.0.3")), 1);
  EXPECT_EQ(m.at(Series("pipeline_worker_files_completed_total", "10.0.0.2")), 0);
  EXPECT_EQ(m.at(Series("pipeline_worker_file_duration_seconds_count", "10.0.0.1")), 0);
  EXPECT_EQ(m.count("pipeline_substage_duration_seconds{pipeline=\"cofi\",pipeline_stage=\"stt\","
                    "substage=\"load_model\"}"),
            1u);
  EXPECT_EQ(m.at("pipeline_files_completed_total{pipeline=\"cofi\",pipeline_stage=\"stt\"}"), 4);

  const json w = json::parse(p->Get("/api/workers").body);
  std::map<std::string, json> by_worker;
  for (const auto& row : w["workers"]) by_worker[row["worker"]] = row;
  ASSERT_EQ(by_worker.size(), 3u) << w.dump();
  EXPECT_EQ(by_worker["10.0.0.1"]["batch"]["filesCompleted"], 2);
  EXPECT_EQ(by_worker["10.0.0.2"]["batch"]["filesFailed"], 1);  // d only: c moved on
  EXPECT_EQ(by_worker["10.0.0.2"]["batch"]["failureRatio"], 1.0);
  EXPECT_EQ(by_worker["10.0.0.2"]["sinceStart"]["filesFailed"], 2);
  EXPECT_EQ(by_worker["10.0.0.3"]["batch"]["filesCompleted"], 1);
  EXPECT_EQ(by_worker["10.0.0.3"]["batch"]["failureRatio"], 0.0);

  const json batch = json::parse(p->Get("/api/current-batch").body);
  json stt;
  for (const auto& s : batch["stages"]) {
    if (s["id"] == "stt") stt = s;
  }
  ASSERT_EQ(stt["subStages"].size(), 2u) << stt.dump();
  EXPECT_EQ(stt["subStages"][0]["id"], "load_model");
  EXPECT_EQ(stt["subStages"][0]["status"], "complete");
  EXPECT_EQ(stt["subStages"][1]["id"], "transcribe");
  EXPECT_EQ(stt["subStages"][1]["status"], "processing");
  EXPECT_TRUE(stt["subStages"][1]["end"].is_null());
  EXPECT_EQ(stt["processed"], 4);
  EXPECT_EQ(stt["failed"], 1);

  // A restarted exporter folds the same answer from the rows (but the rates: they are of now).
  auto without_rates = [](json rows) {
    for (auto& row : rows) {
      row["batch"].erase("filesPerSecond");
      row["sinceStart"].erase("filesPerSecond");
    }
    return rows;
  };
  ASSERT_EQ(p->Terminate(), 0);
  p = Start();
  WaitCaughtUp(*p);
  EXPECT_EQ(without_rates(json::parse(p->Get("/api/workers").body)["workers"]),
            without_rates(w["workers"]));
}

// The exporter brings SQLite files up to date itself; on the servers an operator may have
// applied migration 001 alone.
class WorkersWithout002E2ETest : public WorkersE2ETest {};

INSTANTIATE_TEST_SUITE_P(ServerDatabases, WorkersWithout002E2ETest,
                         ::testing::Values(Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

TEST_P(WorkersWithout002E2ETest, ATableWithoutTheSubStageColumnStillTails) {
  SetUpDatabase(GetParam());
  sql_ << "ALTER TABLE batchExecutionLog DROP COLUMN subStage";
  auto p = Start();
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 2");
  Insert(1, "stt", "substage_start");  // what a writer without the column can say
  FileOn("file_complete", "a.wav", "10.0.0.1");
  WaitCaughtUp(*p);
  EXPECT_EQ(Metric(*p, Series("pipeline_worker_files_completed_total", "10.0.0.1")), 1);
  EXPECT_EQ(Metric(*p,
                   "pipeline_exporter_invalid_events_total{pipeline=\"cofi\",reason="
                   "\"missing_substage\"}"),
            1);
  EXPECT_EQ(Metric(*p, "pipeline_exporter_poll_errors_total{pipeline=\"cofi\"}"), 0);
}

}  // namespace
}  // namespace pipeline_exporter

namespace pipeline_exporter {
namespace {

// The cardinality bound at its default: 64 workers in each of 10 stages, and one more that
// goes to "other". The scrape passes promtool and has exactly the series the bound allows.
class WorkersAtTheCapE2ETest : public ExporterHarness, public ::testing::Test {};

TEST_F(WorkersAtTheCapE2ETest, SixtyFourWorkersTimesTenStagesPassPromtool) {
  SetUpDatabase(Backend::kSqlite);
  auto p = Start();
  {
    soci::transaction tx(sql_);
    sql_ << "INSERT INTO batchExecutionLog (batchId, eventType) VALUES (1, 'batch_start')";
    for (int s = 0; s < 10; ++s) {
      std::string values;
      for (int w = 0; w <= 64; ++w) {  // 65 workers: the last one past the cap
        values += std::string(w ? "," : "") + "(1, 'stage_" + std::to_string(s) + "', '" +
                  (w % 5 == 0 ? "error" : "file_complete") + "', 'f" + std::to_string(w) +
                  ".wav', '10.0.0." + std::to_string(w) + "', 1200)";
      }
      sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName, gpuIp, "
              "durationMs) VALUES " +
                  values;
    }
    tx.commit();
  }
  WaitCaughtUp(*p);
  const auto r = p->Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(PromtoolCheckMetrics(r.body, dir_.File("workers.prom")), "");
  const auto m = ParseMetrics(r.body);
  std::size_t completed_series = 0;
  for (const auto& [series, value] : m) {
    completed_series += series.rfind("pipeline_worker_files_completed_total{", 0) == 0 ? 1 : 0;
  }
  EXPECT_EQ(completed_series, 10u * 65);  // 64 named + "other", per stage
  EXPECT_EQ(m.at("pipeline_worker_files_completed_total{pipeline=\"cofi\",pipeline_stage="
                 "\"stage_3\",worker=\"other\"}"),
            1);
  EXPECT_EQ(m.count("pipeline_worker_files_completed_total{pipeline=\"cofi\",pipeline_stage="
                    "\"stage_3\",worker=\"10.0.0.64\"}"),
            0u);
  EXPECT_EQ(m.at("pipeline_exporter_worker_overflow_events_total{pipeline=\"cofi\"}"), 10);
  EXPECT_EQ(m.at("pipeline_worker_file_duration_seconds_count{pipeline=\"cofi\",pipeline_stage="
                 "\"stage_0\",worker=\"10.0.0.1\"}"),
            1);
  EXPECT_EQ(json::parse(p->Get("/api/workers").body)["workers"].size(), 10u * 65);
}

}  // namespace
}  // namespace pipeline_exporter

// The rules of SPEC §3 through the real binary on SQLite, MariaDB and PostgreSQL: a reused
// batch id starts a new run that becomes current (live and after a restart), late join of a
// batch begun before the replay window, outcome corrections, stages ending with their batch,
// stage re-runs, and every view (current batch, history, stats, metrics) agreeing.

#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "tests/e2e/exporter_harness.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

class RulesE2ETest : public ExporterHarness, public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { SetUpDatabase(GetParam(), "    replay: 1d\n"); }

  static std::int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // A UTC timestamp literal every database reads as UTC.
  std::string At(std::int64_t ms) const {
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03d", static_cast<int>(ms % 1000));
    return "'" + std::string(buf) + (GetParam() == Backend::kPostgres ? "+00" : "") + "'";
  }
  // A row written at `ms` with optional count columns.
  void Row(std::int64_t ms, std::int64_t batch, const std::string& stage, const std::string& type,
           const std::string& columns = "", const std::string& values = "") {
    Insert(batch, stage, type, columns + ", timestamp", values + ", " + At(ms));
  }
  json GetJson(const ExporterProcess& p, const std::string& target) {
    const auto r = p.Get(target);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body;
    return json::parse(r.body, nullptr, false);
  }
  static const json& Stage(const json& snapshot, const std::string& id) {
    for (const auto& s : snapshot["stages"]) {
      if (s["id"] == id) return s;
    }
    throw std::runtime_error("no stage " + id);
  }
};

INSTANTIATE_TEST_SUITE_P(AllDatabases, RulesE2ETest,
                         ::testing::Values(Backend::kSqlite, Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

TEST_P(RulesE2ETest, ReusedBatchIdsLateJoinAndCorrectedOutcomes) {
  const std::int64_t now = NowMs();
  // Batch 42 ran ten days ago, long before the 1-day replay window.
  Row(now - 10 * kDayMs, 42, "", "batch_start", ", totalFiles", ", 10");
  Row(now - 10 * kDayMs, 42, "stt", "stage_start", ", totalFiles", ", 10");
  Row(now - 10 * kDayMs, 42, "stt", "stage_complete", ", processedFiles, failedFiles", ", 10, 0");
  Row(now - 10 * kDayMs, 42, "", "batch_complete");
  // Batch 7 began two days ago and goes on inside the window: it is read from its start.
  Row(now - 2 * kDayMs, 7, "", "batch_start", ", totalFiles", ", 5");
  Row(now - 2 * kDayMs, 7, "stt", "stage_start", ", totalFiles", ", 5");
  Row(now - 2 * kDayMs, 7, "stt", "file_complete", ", fileName", ", 'a.wav'");
  Row(now - 2 * kDayMs, 7, "stt", "file_complete", ", fileName", ", 'b.wav'");
  Row(now - 3600 * 1000, 7, "stt", "file_complete", ", fileName", ", 'c.wav'");

  auto p = Start();
  WaitCaughtUp(*p);
  json cur = GetJson(*p, "/api/current-batch");
  EXPECT_EQ(cur["batch"]["id"], 7);
  EXPECT_EQ(Stage(cur, "stt")["processed"].dump(), "3");  // an integer, and not "1"
  EXPECT_EQ(Stage(cur, "stt")["total"], 5);
  EXPECT_LT(cur["batch"]["startMs"].get<std::int64_t>(), now - kDayMs);  // not "started now"

  // Batch 42 runs again, live: a new run, from nothing, and the current batch.
  Insert(42, "", "batch_start", ", totalFiles", ", 100");
  Insert(42, "stt", "stage_start", ", totalFiles", ", 100");
  File(42, "stt", "file_complete", "x.wav");
  WaitCaughtUp(*p);
  cur = GetJson(*p, "/api/current-batch");
  EXPECT_EQ(cur["batch"]["id"], 42);
  EXPECT_EQ(cur["batch"]["status"], "running");
  EXPECT_EQ(cur["batch"]["files"], 100);
  EXPECT_EQ(Stage(cur, "stt")["processed"], 1);
  EXPECT_EQ(Stage(cur, "stt")["total"], 100);
  const json stats = GetJson(*p, "/api/batch/42/stats");
  EXPECT_EQ(Stage(stats, "stt")["processed"], 1);  // not "100 of 10"
  EXPECT_EQ(stats["batch"]["runStartId"], cur["batch"]["runStartId"]);

  // The outcome is corrected: the latest wins everywhere, and each change is counted.
  Insert(42, "", "batch_failed");
  WaitCaughtUp(*p);
  EXPECT_EQ(GetJson(*p, "/api/current-batch")["batch"]["status"], "failed");
  Insert(42, "", "batch_complete");
  WaitCaughtUp(*p);
  cur = GetJson(*p, "/api/current-batch");
  EXPECT_EQ(cur["batch"]["status"], "complete");
  EXPECT_EQ(Stage(cur, "stt")["status"], "complete");  // ended with its batch
  EXPECT_EQ(Stage(cur, "stt")["etaSeconds"], 0.0);
  EXPECT_EQ(Metric(*p, "pipeline_batches_total{pipeline=\"cofi\",outcome=\"failed\"}"), 1);
  EXPECT_EQ(Metric(*p, "pipeline_batches_total{pipeline=\"cofi\",outcome=\"complete\"}"), 1);
  EXPECT_EQ(
      Metric(
          *p,
          "pipeline_stage_status{pipeline=\"cofi\",pipeline_stage=\"stt\",status=\"processing\"}"),
      0);
  const json history = GetJson(*p, "/api/batches");
  ASSERT_GE(history["batches"].size(), 2u);
  EXPECT_EQ(history["batches"][0]["id"], 42);
  EXPECT_EQ(history["batches"][0]["status"], "complete");
  EXPECT_EQ(history["batches"][0]["filesProcessed"], 1);
  EXPECT_EQ(history["batches"][1]["id"], 7);
  EXPECT_EQ(history["batches"][1]["filesProcessed"], 3);
  // The earlier run of 42 is not a line of its own: a batch shows its latest run.
  for (std::size_t i = 2; i < history["batches"].size(); ++i) {
    EXPECT_NE(history["batches"][i]["id"], 42);
  }

  // A restart folds the same: 42's latest run is current, 7 joined from its start.
  ASSERT_EQ(p->Terminate(), 0);
  p = Start();
  WaitCaughtUp(*p);
  const json again = GetJson(*p, "/api/current-batch");
  EXPECT_EQ(again["batch"]["id"], 42);
  EXPECT_EQ(again["batch"]["status"], "complete");
  EXPECT_EQ(Stage(again, "stt")["processed"], 1);
  EXPECT_EQ(Stage(GetJson(*p, "/api/batch/7/stats"), "stt")["processed"], 3);
  const json after = GetJson(*p, "/api/batches");
  ASSERT_EQ(after["batches"].size(), history["batches"].size());
  for (std::size_t i = 0; i < after["batches"].size(); ++i) {
    for (const char* key :
         {"id", "status", "runStartId", "filesProcessed", "filesFailed", "stages"}) {
      EXPECT_EQ(after["batches"][i][key], history["batches"][i][key]) << i << " " << key;
    }
  }
}

TEST_P(RulesE2ETest, StageReRunsRestartAndBatchEndsCloseStages) {
  auto p = Start();
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 4");
  File(1, "stt", "file_complete", "a.wav");
  Insert(1, "stt", "stage_complete", ", processedFiles, failedFiles", ", 4, 0");
  Insert(1, "denoise", "stage_start", ", totalFiles", ", 4");
  WaitCaughtUp(*p);
  EXPECT_EQ(Stage(GetJson(*p, "/api/current-batch"), "stt")["processed"], 4);
  // stt runs again: its final count is gone, the same file counts again.
  Insert(1, "stt", "stage_start", ", totalFiles", ", 2");
  File(1, "stt", "file_complete", "a.wav");
  WaitCaughtUp(*p);
  json cur = GetJson(*p, "/api/current-batch");
  EXPECT_EQ(Stage(cur, "stt")["status"], "processing");
  EXPECT_EQ(Stage(cur, "stt")["processed"], 1);
  EXPECT_EQ(Stage(cur, "stt")["total"], 2);
  // The log's filtered searches (bounded scans) on this database.
  EXPECT_EQ(GetJson(*p, "/api/batch/1/logs?q=A.WAV")["events"].size(), 2u);
  const json starts = GetJson(*p, "/api/batch/1/logs?type=stage_start&stage=stt");
  EXPECT_EQ(starts["events"].size(), 2u);
  EXPECT_TRUE(starts["scannedFromId"].is_null());
  // The batch fails with both stages open: they fail with it, their durations stop.
  Insert(1, "", "batch_failed");
  WaitCaughtUp(*p);
  cur = GetJson(*p, "/api/current-batch");
  EXPECT_EQ(Stage(cur, "stt")["status"], "failed");
  EXPECT_EQ(Stage(cur, "denoise")["status"], "failed");
  EXPECT_EQ(Stage(cur, "llm1")["status"], "pending");
  const double duration = Stage(cur, "denoise")["durationSeconds"];
  EXPECT_EQ(Stage(GetJson(*p, "/api/batch/1/stats"), "denoise")["durationSeconds"], duration);
  EXPECT_EQ(Metric(*p, "pipeline_batch_status{pipeline=\"cofi\",status=\"failed\"}"), 1);
}

TEST_P(RulesE2ETest, PausedThenCanceledEverywhere) {
  auto p = Start();
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 4");
  Insert(1, "", "batch_paused");
  WaitCaughtUp(*p);
  EXPECT_EQ(GetJson(*p, "/api/current-batch")["batch"]["status"], "paused");
  EXPECT_EQ(Metric(*p, "pipeline_batch_status{pipeline=\"cofi\",status=\"paused\"}"), 1);
  Insert(1, "", "batch_resumed");
  Insert(1, "", "batch_canceled");
  WaitCaughtUp(*p);
  const json cur = GetJson(*p, "/api/current-batch");
  EXPECT_EQ(cur["batch"]["status"], "canceled");
  EXPECT_EQ(Stage(cur, "stt")["status"], "canceled");
  EXPECT_EQ(GetJson(*p, "/api/batches")["batches"][0]["status"], "canceled");
  EXPECT_EQ(Stage(GetJson(*p, "/api/batch/1/stats"), "stt")["status"], "canceled");
  EXPECT_EQ(Metric(*p, "pipeline_batches_total{pipeline=\"cofi\",outcome=\"canceled\"}"), 1);
  EXPECT_EQ(
      Metric(*p,
             "pipeline_stage_status{pipeline=\"cofi\",pipeline_stage=\"stt\",status=\"canceled\"}"),
      1);
}

}  // namespace
}  // namespace pipeline_exporter

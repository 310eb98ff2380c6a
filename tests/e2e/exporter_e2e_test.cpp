// End-to-end: the real pipeline_exporter binary on a temporary SQLite file and a free
// loopback port. The test writes rows with SQL, as a pipeline would, and reads /metrics.

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <zlib.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "exporter/source/schema_bootstrap.h"
#include "tests/e2e/exporter_process.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const char* kConfig = R"(pipelines:
  - name: cofi
    database: "sqlite3://db=${DB}"
    poll_interval: 50ms
    stages:
      - { id: denoise, title: "Denoise" }
      - { id: stt, title: "Speech to text" }
      - { id: llm1, title: "LLM summary" }
)";

std::string Series(const std::string& name, const std::string& stage) {
  return name + "{pipeline=\"cofi\",pipeline_stage=\"" + stage + "\"}";
}

class ExporterE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_path_ = dir_.File("events.db");
    cs_ = "sqlite3://db=" + db_path_;
    ASSERT_TRUE(EnsureEventTable(cs_, "batchExecutionLog"));
    std::string cfg = kConfig;
    cfg.replace(cfg.find("${DB}"), 5, db_path_);
    std::ofstream(dir_.File("exporter.yml")) << cfg;
    sql_.open(cs_ + " timeout=5");
  }

  std::unique_ptr<ExporterProcess> Start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--config.file=" + dir_.File("exporter.yml"),
                                     "--web.listen-address=127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = std::make_unique<ExporterProcess>(
        args, dir_.path().string(), dir_.File("exporter" + std::to_string(++runs_) + ".log"));
    EXPECT_TRUE(p->WaitReady()) << "exporter did not start:\n" << p->Log();
    return p;
  }

  void Insert(std::int64_t batch, const std::string& stage, const std::string& type,
              const std::string& extra_columns = "", const std::string& extra_values = "") {
    sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType" + extra_columns +
                ") VALUES (" + std::to_string(batch) + ", " +
                (stage.empty() ? std::string("NULL") : "'" + stage + "'") + ", '" + type + "'" +
                extra_values + ")";
  }
  void File(std::int64_t batch, const std::string& stage, const std::string& type,
            const std::string& file) {
    Insert(batch, stage, type, ", fileName", ", '" + file + "'");
  }
  std::int64_t MaxId() {
    long long id = 0;
    sql_ << "SELECT MAX(id) FROM batchExecutionLog", soci::into(id);
    return id;
  }

  static std::map<std::string, double> Metrics(const ExporterProcess& p) {
    const auto r = p.Get("/metrics");
    EXPECT_EQ(r.status, 200);
    return ParseMetrics(r.body);
  }
  // Waits until the exporter has read every row written so far.
  void WaitCaughtUp(const ExporterProcess& p) {
    const double want = static_cast<double>(MaxId());
    ASSERT_TRUE(WaitUntil([&] {
      return Metrics(p)["pipeline_exporter_last_event_id{pipeline=\"cofi\"}"] == want;
    })) << p.Log();
  }

  TempDir dir_;
  std::string db_path_;
  std::string cs_;
  soci::session sql_;
  int runs_ = 0;
};

TEST_F(ExporterE2ETest, WorkedExampleThroughTheRealBinary) {
  auto exporter = Start();
  Insert(3, "", "batch_start", ", requestPayload",
         ", '{\"batchDate\":\"2024-01-13\",\"batchNumber\":3}'");
  Insert(3, "stt", "stage_start", ", totalFiles", ", 500");
  for (int i = 1; i <= 100; ++i) {
    File(3, "stt", "file_complete", "f" + std::to_string(i) + ".wav");
    if (i % 10 == 0)
      Insert(3, "stt", "stage_progress", ", processedFiles, totalFiles",
             ", " + std::to_string(i) + ", 500");
  }
  WaitCaughtUp(*exporter);
  auto m = Metrics(*exporter);
  EXPECT_EQ(m[Series("pipeline_stage_files", "stt")], 500);
  EXPECT_EQ(m[Series("pipeline_stage_files_processed", "stt")], 100);
  EXPECT_DOUBLE_EQ(m[Series("pipeline_stage_progress_ratio", "stt")], 0.2);
  EXPECT_EQ(
      m["pipeline_stage_status{pipeline=\"cofi\",pipeline_stage=\"stt\",status=\"processing\"}"],
      1);
  EXPECT_EQ(
      m["pipeline_stage_status{pipeline=\"cofi\",pipeline_stage=\"denoise\",status=\"pending\"}"],
      1);
  EXPECT_EQ(m["pipeline_batch_info{pipeline=\"cofi\",batch_id=\"3\",batch_date=\"2024-01-13\","
              "batch_number=\"3\"}"],
            1);
  EXPECT_EQ(m[Series("pipeline_files_completed_total", "stt")], 100);
  EXPECT_EQ(m["pipeline_exporter_db_up{pipeline=\"cofi\"}"], 1);

  Insert(3, "stt", "stage_complete", ", processedFiles, failedFiles", ", 495, 5");
  WaitCaughtUp(*exporter);
  m = Metrics(*exporter);
  EXPECT_EQ(
      m["pipeline_stage_status{pipeline=\"cofi\",pipeline_stage=\"stt\",status=\"complete\"}"], 1);
  EXPECT_EQ(m[Series("pipeline_stage_files_processed", "stt")], 495);
  EXPECT_EQ(m[Series("pipeline_stage_files_failed", "stt")], 5);
  EXPECT_EQ(m[Series("pipeline_stage_progress_ratio", "stt")], 1);
  EXPECT_EQ(m[Series("pipeline_stage_eta_seconds", "stt")], 0);

  std::chrono::milliseconds took{};
  EXPECT_EQ(exporter->Terminate(&took), 0) << exporter->Log();
  EXPECT_LT(took, seconds(2)) << "SIGTERM → exit must take under 2 s";
}

TEST_F(ExporterE2ETest, LiveOutputPassesPromtool) {
  auto exporter = Start();
  Insert(1, "", "batch_start");
  Insert(1, "denoise", "stage_start", ", totalFiles", ", 3");
  File(1, "denoise", "file_complete", "a.wav");
  File(1, "denoise", "error", "b.wav");
  Insert(1, "stt\xC3", "stage_start");  // invalid UTF-8 must never reach a label
  WaitCaughtUp(*exporter);
  const auto r = exporter->Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string file = dir_.File("live.prom");
  std::ofstream(file) << r.body;
  std::string out;
  const int rc = RunCommand("promtool check metrics < " + file, &out);
  ASSERT_NE(rc, 127) << "promtool is not installed (Debian package prometheus): " << out;
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(
      ParseMetrics(r.body)
          ["pipeline_exporter_invalid_events_total{pipeline=\"cofi\",reason=\"invalid_utf8\"}"],
      1);
  for (const char* family : {"pipeline_stage_files",
                             "pipeline_stage_files_processed",
                             "pipeline_stage_files_failed",
                             "pipeline_stage_progress_ratio",
                             "pipeline_stage_status",
                             "pipeline_stage_duration_seconds",
                             "pipeline_stage_eta_seconds",
                             "pipeline_stage_last_event_timestamp_seconds",
                             "pipeline_stage_typical_duration_seconds",
                             "pipeline_events_total",
                             "pipeline_files_completed_total",
                             "pipeline_files_failed_total",
                             "pipeline_file_duration_seconds",
                             "pipeline_batch_info",
                             "pipeline_batch_files",
                             "pipeline_batch_status",
                             "pipeline_batch_start_timestamp_seconds",
                             "pipeline_batches_total",
                             "pipeline_exporter_db_up",
                             "pipeline_exporter_last_poll_success_timestamp_seconds",
                             "pipeline_exporter_poll_duration_seconds",
                             "pipeline_exporter_poll_errors_total",
                             "pipeline_exporter_gaps_expired_total",
                             "pipeline_exporter_last_event_id",
                             "pipeline_exporter_event_lag_seconds",
                             "pipeline_exporter_invalid_events_total",
                             "pipeline_exporter_sse_clients",
                             "pipeline_exporter_build_info",
                             "process_cpu_seconds_total",
                             "process_resident_memory_bytes",
                             "process_start_time_seconds",
                             "process_open_fds"}) {
    EXPECT_NE(r.body.find("# TYPE " + std::string(family) + " "), std::string::npos) << family;
    EXPECT_NE(r.body.find("# HELP " + std::string(family) + " "), std::string::npos) << family;
  }
}

TEST_F(ExporterE2ETest, RestartShowsTheSameGauges) {
  auto first = Start();
  for (int b = 1; b <= 3; ++b) {
    Insert(b, "", "batch_start", ", requestPayload",
           ", '{\"batchNumber\":" + std::to_string(b) + "}'");
    for (const char* stage : {"denoise", "stt"}) {
      Insert(b, stage, "stage_start", ", totalFiles", ", 20");
      for (int f = 0; f < 20; ++f) {
        const std::string name = "f" + std::to_string(f) + ".wav";
        File(b, stage, "file_start", name);
        Insert(b, stage, f % 9 == 4 ? "error" : "file_complete", ", fileName, durationMs",
               ", '" + name + "', " + std::to_string(100 + f * 37));
      }
      Insert(b, stage, "stage_complete", ", processedFiles, failedFiles", ", 18, 2");
    }
    Insert(b, "", b == 2 ? "batch_failed" : "batch_complete");
  }
  WaitCaughtUp(*first);
  const auto before = Metrics(*first);
  ASSERT_EQ(first->Terminate(), 0);

  auto second = Start();
  WaitCaughtUp(*second);
  const auto after = Metrics(*second);
  int compared = 0;
  for (const auto& [series, value] : before) {
    if (series.rfind("pipeline_", 0) != 0 || series.rfind("pipeline_exporter_", 0) == 0) continue;
    ASSERT_TRUE(after.count(series)) << series;
    if (std::isnan(value)) {
      EXPECT_TRUE(std::isnan(after.at(series))) << series;
    } else {
      EXPECT_DOUBLE_EQ(after.at(series), value) << series;
    }
    ++compared;
  }
  EXPECT_GT(compared, 90);
  EXPECT_EQ(after.at("pipeline_batches_total{pipeline=\"cofi\",outcome=\"failed\"}"), 1);
  EXPECT_EQ(after.at(Series("pipeline_files_completed_total", "stt")), 54);
  EXPECT_EQ(after.at(Series("pipeline_file_duration_seconds_count", "stt")), 54);
}

TEST_F(ExporterE2ETest, BadRowsAreCountedAndGoodRowsStillCountExactly) {
  auto exporter = Start();
  Insert(1, "stt", "stage_start", ", totalFiles", ", 10");
  File(1, "stt", "file_complete", "a.wav");
  Insert(1, "stt", "stage_exploded");                              // unknown_event_type
  File(1, "", "file_complete", "b.wav");                           // missing_stage
  Insert(1, "stt", "stage_progress", ", processedFiles", ", -4");  // invalid_count
  Insert(1, "s\xFFt", "stage_start");                              // invalid_utf8
  Insert(1, "stt", "file_complete");                               // missing_file_name
  Insert(1, "stt", "file_complete", ", fileName, durationMs", ", 'c.wav', -1");  // invalid_duration
  Insert(1, "stt", "file_start", ", fileName, timestamp",
         ", 'd.wav', 'not a time'");               // invalid_timestamp
  Insert(1, std::string(70, 'x'), "stage_start");  // invalid_stage
  File(1, "stt", "file_complete", "e.wav");
  WaitCaughtUp(*exporter);
  auto m = Metrics(*exporter);
  auto invalid = [&](const char* reason) {
    return m[std::string("pipeline_exporter_invalid_events_total{pipeline=\"cofi\",reason=\"") +
             reason + "\"}"];
  };
  for (const char* reason :
       {"unknown_event_type", "missing_stage", "invalid_count", "invalid_utf8", "missing_file_name",
        "invalid_duration", "invalid_timestamp", "invalid_stage"}) {
    EXPECT_EQ(invalid(reason), 1) << reason;
  }
  EXPECT_EQ(m[Series("pipeline_stage_files_processed", "stt")], 2);
  EXPECT_EQ(m[Series("pipeline_files_completed_total", "stt")], 2);
  EXPECT_EQ(m["pipeline_events_total{pipeline=\"cofi\",pipeline_stage=\"stt\",event_type=\"file_"
              "complete\"}"],
            2);
  EXPECT_NE(exporter->Log().find("reason=unknown_event_type"), std::string::npos);
}

TEST_F(ExporterE2ETest, MetricsAreGzippedWhenAsked) {
  auto exporter = Start();
  const auto plain = exporter->Get("/metrics");
  const auto zipped = exporter->Get("/metrics", {{"Accept-Encoding", "gzip, deflate"}});
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.Header("content-encoding"), "gzip");
  EXPECT_EQ(plain.Header("content-encoding"), "");
  std::string out(1 << 20, '\0');
  z_stream zs{};
  ASSERT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zipped.body.data()));
  zs.avail_in = static_cast<uInt>(zipped.body.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  EXPECT_NE(out.find("# TYPE pipeline_stage_files gauge"), std::string::npos);
  EXPECT_LT(zipped.body.size(), out.size());
}

TEST_F(ExporterE2ETest, HealthLandingPageAndTelemetryPath) {
  auto exporter = Start({"--web.telemetry-path=/custom-metrics"});
  ASSERT_TRUE(WaitUntil([&] { return exporter->Get("/api/health").status == 200; }))
      << exporter->Log();
  const auto health = nlohmann::json::parse(exporter->Get("/api/health").body);
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["pipelines"][0]["name"], "cofi");
  EXPECT_EQ(health["pipelines"][0]["db_up"], true);
  const auto page = exporter->Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("href=\"/custom-metrics\""), std::string::npos);
  EXPECT_NE(page.Header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(exporter->Get("/custom-metrics").status, 200);
  EXPECT_EQ(exporter->Get("/metrics").status, 404);
}

TEST_F(ExporterE2ETest, UnreachableDatabaseIsReportedWhileMetricsStillAnswer) {
  std::ofstream(dir_.File("down.yml"))
      << "pipelines:\n  - name: cofi\n    database: \"sqlite3://db="
      << dir_.File("no/such/dir/x.db") << "\"\n    poll_interval: 50ms\n";
  ExporterProcess p({"--config.file=" + dir_.File("down.yml"), "--web.listen-address=127.0.0.1:0"},
                    dir_.path().string(), dir_.File("down.log"));
  ASSERT_TRUE(p.WaitReady()) << p.Log();
  ASSERT_TRUE(WaitUntil([&] {
    return Metrics(p)["pipeline_exporter_poll_errors_total{pipeline=\"cofi\"}"] >= 2;
  })) << p.Log();
  const auto m = Metrics(p);
  EXPECT_EQ(m.at("pipeline_exporter_db_up{pipeline=\"cofi\"}"), 0);
  EXPECT_EQ(p.Get("/api/health").status, 503);
}

TEST_F(ExporterE2ETest, PortInUseIsAOneLineErrorAndNonZeroExit) {
  auto first = Start();
  ExporterProcess second({"--config.file=" + dir_.File("exporter.yml"),
                          "--web.listen-address=127.0.0.1:" + std::to_string(first->port())},
                         dir_.path().string(), dir_.File("second.log"));
  const auto code = second.WaitExit(seconds(10));
  ASSERT_TRUE(code) << "second exporter did not exit";
  EXPECT_NE(*code, 0);
  EXPECT_NE(second.Log().find("cannot listen on 127.0.0.1:" + std::to_string(first->port())),
            std::string::npos)
      << second.Log();
}

TEST_F(ExporterE2ETest, BadConfigStopsStartUpNamingTheKey) {
  std::ofstream(dir_.File("bad.yml")) << "pipelines:\n  - name: cofi\n    poll_interval: soon\n";
  ExporterProcess p({"--config.file=" + dir_.File("bad.yml")}, dir_.path().string(),
                    dir_.File("bad.log"));
  EXPECT_EQ(p.WaitExit(seconds(10)), 1);
  EXPECT_NE(p.Log().find("pipelines[0].poll_interval: invalid duration \"soon\""),
            std::string::npos)
      << p.Log();
}

TEST_F(ExporterE2ETest, NoConfigMeansDefaultPipelineOnLocalSqliteFile) {
  TempDir cwd;
  ExporterProcess p({"--web.listen-address=127.0.0.1:0", "--log.format=json"}, cwd.path().string(),
                    cwd.File("default.log"));
  ASSERT_TRUE(p.WaitReady()) << p.Log();
  ASSERT_TRUE(WaitUntil([&] { return p.Get("/api/health").status == 200; })) << p.Log();
  EXPECT_TRUE(std::filesystem::exists(cwd.File("pipeline_events.db")));
  EXPECT_NE(p.Get("/metrics").body.find("pipeline_exporter_db_up{pipeline=\"default\"} 1"),
            std::string::npos);
  const std::string first_line = p.Log().substr(0, p.Log().find('\n'));
  const auto j = nlohmann::json::parse(first_line);  // --log.format=json: one object per line
  EXPECT_EQ(j["level"], "info");
  EXPECT_TRUE(j.contains("ts"));
}

TEST_F(ExporterE2ETest, DemoMovesEveryStage) {
  TempDir cwd;
  ExporterProcess p({"--web.listen-address=127.0.0.1:0", "--demo", "--demo.speed=8"},
                    cwd.path().string(), cwd.File("demo.log"));
  ASSERT_TRUE(p.WaitReady()) << p.Log();
  const char* stages[] = {"file_distribution", "denoise",  "ivr",   "lid", "stt", "llm1", "llm2",
                          "triaging",          "metadata", "export"};
  const bool all_moved = WaitUntil(
      [&] {
        const auto text = p.Get("/metrics").body;
        for (const char* s : stages) {
          const std::string key =
              "pipeline_files_completed_total{pipeline=\"default\",pipeline_stage=\"" +
              std::string(s) + "\"} ";
          const auto at = text.find(key);
          if (at == std::string::npos || text.compare(at + key.size(), 2, "0\n") == 0) return false;
        }
        return true;
      },
      seconds(30));
  EXPECT_TRUE(all_moved) << p.Get("/metrics").body.substr(0, 4000) << p.Log();
  EXPECT_EQ(p.Terminate(), 0);
}

}  // namespace
}  // namespace pipeline_exporter

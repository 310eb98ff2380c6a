// End-to-end: the real pipeline_exporter binary on SQLite, MariaDB and PostgreSQL, on a free
// loopback port. The test writes rows with SQL, as a pipeline would, and reads /metrics.

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <zlib.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "exporter/source/schema_bootstrap.h"
#include "tests/e2e/exporter_harness.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

class ExporterE2ETest : public ExporterHarness, public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { SetUpDatabase(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(AllDatabases, ExporterE2ETest,
                         ::testing::Values(Backend::kSqlite, Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

// Tests that do not depend on the database kind run on SQLite only.
class ExporterSqliteTest : public ExporterHarness, public ::testing::Test {
 protected:
  void SetUp() override { SetUpDatabase(Backend::kSqlite); }
};

TEST_P(ExporterE2ETest, WorkedExampleThroughTheRealBinary) {
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

TEST_P(ExporterE2ETest, LiveOutputPassesPromtool) {
  auto exporter = Start();
  Insert(1, "", "batch_start");
  Insert(1, "denoise", "stage_start", ", totalFiles", ", 3");
  File(1, "denoise", "file_complete", "a.wav");
  File(1, "denoise", "error", "b.wav");
  // Invalid UTF-8 must never reach a label (MySQL and PostgreSQL refuse to store it).
  if (GetParam() == Backend::kSqlite) Insert(1, "stt\xC3", "stage_start");
  WaitCaughtUp(*exporter);
  const auto r = exporter->Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(PromtoolCheckMetrics(r.body, dir_.File("live.prom")), "");
  EXPECT_EQ(
      ParseMetrics(r.body)
          ["pipeline_exporter_invalid_events_total{pipeline=\"cofi\",reason=\"invalid_utf8\"}"],
      GetParam() == Backend::kSqlite ? 1 : 0);
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

TEST_P(ExporterE2ETest, RestartShowsTheSameGauges) {
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

TEST_P(ExporterE2ETest, BadRowsAreCountedAndGoodRowsStillCountExactly) {
  auto exporter = Start();
  Insert(1, "stt", "stage_start", ", totalFiles", ", 10");
  File(1, "stt", "file_complete", "a.wav");
  std::vector<std::string> reasons = {"unknown_event_type", "missing_stage", "invalid_count",
                                      "missing_file_name", "invalid_duration"};
  Insert(1, "stt", "stage_exploded");                              // unknown_event_type
  File(1, "", "file_complete", "b.wav");                           // missing_stage
  Insert(1, "stt", "stage_progress", ", processedFiles", ", -4");  // invalid_count
  Insert(1, "stt", "file_complete");                               // missing_file_name
  Insert(1, "stt", "file_complete", ", fileName, durationMs", ", 'c.wav', -1");  // invalid_duration
  if (GetParam() == Backend::kSqlite) {
    // Rows that MySQL and PostgreSQL refuse to store at all, but SQLite keeps.
    Insert(1, "s\xFFt", "stage_start");  // invalid_utf8
    Insert(1, "stt", "file_start", ", fileName, timestamp", ", 'd.wav', 'not a time'");
    Insert(1, std::string(70, 'x'), "stage_start");  // invalid_stage
    reasons.insert(reasons.end(), {"invalid_utf8", "invalid_timestamp", "invalid_stage"});
  }
  File(1, "stt", "file_complete", "e.wav");
  WaitCaughtUp(*exporter);
  auto m = Metrics(*exporter);
  for (const auto& reason : reasons) {
    EXPECT_EQ(
        m["pipeline_exporter_invalid_events_total{pipeline=\"cofi\",reason=\"" + reason + "\"}"], 1)
        << reason;
  }
  EXPECT_EQ(m[Series("pipeline_stage_files_processed", "stt")], 2);
  EXPECT_EQ(m[Series("pipeline_files_completed_total", "stt")], 2);
  EXPECT_EQ(m["pipeline_events_total{pipeline=\"cofi\",pipeline_stage=\"stt\",event_type=\"file_"
              "complete\"}"],
            2);
  EXPECT_NE(exporter->Log().find("reason=unknown_event_type"), std::string::npos);
}

TEST_P(ExporterE2ETest, TimestampsAreReadAsUtcMilliseconds) {
  auto exporter = Start();
  // PostgreSQL's timestamptz needs the zone in the literal; MySQL's DATETIME and SQLite's
  // text store UTC as written.
  const std::string zone = GetParam() == Backend::kPostgres ? "+00" : "";
  Insert(5, "", "batch_start", ", timestamp", ", '2024-01-13 08:00:00.125" + zone + "'");
  Insert(5, "stt", "stage_start", ", totalFiles, timestamp",
         ", 10, '2024-01-13 08:00:01.250" + zone + "'");
  Insert(5, "stt", "stage_complete", ", processedFiles, timestamp",
         ", 10, '2024-01-13 08:01:02.999" + zone + "'");
  WaitCaughtUp(*exporter);
  const auto m = Metrics(*exporter);
  EXPECT_DOUBLE_EQ(m.at("pipeline_batch_start_timestamp_seconds{pipeline=\"cofi\"}"),
                   1705132800.125);
  EXPECT_DOUBLE_EQ(m.at(Series("pipeline_stage_last_event_timestamp_seconds", "stt")),
                   1705132862.999);
  EXPECT_DOUBLE_EQ(m.at(Series("pipeline_stage_duration_seconds", "stt")), 61.749);
}

TEST_P(ExporterE2ETest, RestartedExporterMatchesOneThatNeverStopped) {
  auto steady = Start();
  auto restarted = Start();
  auto write_batch = [&](int b, int from, int to) {
    for (const char* stage : {"denoise", "stt"}) {
      if (from == 0) Insert(b, stage, "stage_start", ", totalFiles", ", 30");
      for (int f = from; f < to; ++f) {
        Insert(b, stage, f % 11 == 3 ? "error" : "file_complete", ", fileName, durationMs",
               ", 'f" + std::to_string(f) + ".wav', " + std::to_string(50 + f * 13));
      }
      if (to == 30) Insert(b, stage, "stage_complete", ", processedFiles, failedFiles", ", 27, 3");
    }
  };
  Insert(1, "", "batch_start");
  write_batch(1, 0, 30);
  Insert(1, "", "batch_complete");
  Insert(2, "", "batch_start", ", requestPayload", ", '{\"batchNumber\":2}'");
  write_batch(2, 0, 12);  // mid-batch …
  WaitCaughtUp(*restarted);
  ASSERT_EQ(restarted->Terminate(), 0);
  write_batch(2, 12, 30);  // … the batch goes on while one exporter is down …
  Insert(2, "", "batch_complete");
  restarted = Start();  // … and it comes back
  WaitCaughtUp(*steady);
  WaitCaughtUp(*restarted);
  const auto a = Metrics(*steady);
  const auto b = Metrics(*restarted);
  int compared = 0;
  for (const auto& [series, value] : a) {
    if (series.rfind("pipeline_", 0) != 0 || series.rfind("pipeline_exporter_", 0) == 0) continue;
    ASSERT_TRUE(b.count(series)) << series;
    if (std::isnan(value)) {
      EXPECT_TRUE(std::isnan(b.at(series))) << series;
    } else {
      EXPECT_DOUBLE_EQ(b.at(series), value) << series;
    }
    ++compared;
  }
  EXPECT_GT(compared, 90);
  EXPECT_EQ(b.at(Series("pipeline_files_completed_total", "stt")), 54);
  EXPECT_EQ(b.at("pipeline_batches_total{pipeline=\"cofi\",outcome=\"complete\"}"), 2);
}

// Concurrency that only a server database has: transactions that commit out of id order,
// rolled-back inserts, the server going away.
class ExporterServerTest : public ExporterHarness, public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { SetUpDatabase(GetParam(), "    gap_grace_period: 1s\n"); }
  std::unique_ptr<soci::session> Connect() {
    return std::make_unique<soci::session>(server_->connect_string());
  }
  double Completed(const ExporterProcess& p) {
    return Metric(p, Series("pipeline_files_completed_total", "stt"));
  }
};

INSTANTIATE_TEST_SUITE_P(ServerDatabases, ExporterServerTest,
                         ::testing::Values(Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

TEST_P(ExporterServerTest, OutOfOrderCommitIsCountedExactlyOnce) {
  auto exporter = Start();
  Insert(1, "stt", "stage_start", ", totalFiles", ", 10");
  WaitCaughtUp(*exporter);
  auto a = Connect();
  auto b = Connect();
  auto tx = std::make_unique<soci::transaction>(*a);
  *a << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName) VALUES (1, 'stt', "
        "'file_complete', 'held.wav')";  // id N, not committed yet
  *b << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName) VALUES (1, 'stt', "
        "'file_complete', 'quick.wav')";  // id N+1, committed
  const double quick_id = static_cast<double>(MaxId(*b));
  ASSERT_TRUE(WaitUntil([&] {
    return Metric(*exporter, "pipeline_exporter_last_event_id{pipeline=\"cofi\"}") == quick_id;
  })) << exporter->Log();
  EXPECT_EQ(Completed(*exporter), 1);  // the exporter has polled past the open transaction
  tx->commit();
  ASSERT_TRUE(WaitUntil([&] { return Completed(*exporter) == 2; })) << exporter->Log();
  // Several more polls: still exactly once each.
  const double polls =
      Metric(*exporter, "pipeline_exporter_poll_duration_seconds_count{pipeline=\"cofi\"}");
  ASSERT_TRUE(WaitUntil([&] {
    return Metric(*exporter, "pipeline_exporter_poll_duration_seconds_count{pipeline=\"cofi\"}") >
           polls + 3;
  }));
  const auto m = Metrics(*exporter);
  EXPECT_EQ(m.at(Series("pipeline_files_completed_total", "stt")), 2);
  EXPECT_EQ(m.at("pipeline_events_total{pipeline=\"cofi\",pipeline_stage=\"stt\",event_type=\"file_"
                 "complete\"}"),
            2);
  EXPECT_EQ(m.at("pipeline_exporter_gaps_expired_total{pipeline=\"cofi\"}"), 0);
}

TEST_P(ExporterServerTest, RolledBackInsertLeavesAGapThatExpires) {
  auto exporter = Start();
  auto a = Connect();
  {
    soci::transaction tx(*a);
    *a << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName) VALUES (1, 'stt', "
          "'file_complete', 'rolled-back.wav')";
    tx.rollback();
  }
  File(1, "stt", "file_complete", "kept.wav");
  WaitCaughtUp(*exporter);
  // gap_grace_period is 1s in this suite.
  ASSERT_TRUE(WaitUntil([&] {
    return Metric(*exporter, "pipeline_exporter_gaps_expired_total{pipeline=\"cofi\"}") == 1;
  })) << exporter->Log();
  EXPECT_EQ(Completed(*exporter), 1);
  EXPECT_NE(exporter->Log().find("gave up waiting for missing event ids"), std::string::npos);
}

// The outage stops the database server: this suite has servers of its own.
class ExporterOutageTest : public ExporterServerTest {
 protected:
  void SetUp() override {
    sharing_ = Sharing::kOwn;
    ExporterServerTest::SetUp();
  }
};

INSTANTIATE_TEST_SUITE_P(ServerDatabases, ExporterOutageTest,
                         ::testing::Values(Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

TEST_P(ExporterOutageTest, OutageKeepsMetricsAnsweringAndLosesNothing) {
  auto exporter = Start();
  int written = 0;
  for (; written < 20; ++written) File(1, "stt", "file_complete", "f" + std::to_string(written));
  WaitCaughtUp(*exporter);
  ASSERT_NO_THROW(server_->Stop());
  // Throughout the outage /metrics answers at once, from memory.
  const bool saw_down = WaitUntil(
      [&] {
        const auto started = std::chrono::steady_clock::now();
        const auto r = exporter->Get("/metrics");
        const auto took = std::chrono::steady_clock::now() - started;
        EXPECT_EQ(r.status, 200);
        EXPECT_LT(took, seconds(1));
        return ParseMetrics(r.body)["pipeline_exporter_db_up{pipeline=\"cofi\"}"] == 0;
      },
      seconds(30));
  ASSERT_TRUE(saw_down) << exporter->Log();
  EXPECT_EQ(Completed(*exporter), 20);
  EXPECT_GE(Metric(*exporter, "pipeline_exporter_poll_errors_total{pipeline=\"cofi\"}"), 1);
  ASSERT_NO_THROW(server_->Restart());
  sql_.close();
  sql_.open(server_->connect_string());
  for (; written < 40; ++written) File(1, "stt", "file_complete", "f" + std::to_string(written));
  ASSERT_TRUE(WaitUntil([&] { return Completed(*exporter) == 40; }, seconds(60)))
      << exporter->Log();
  // db_up is the last poll's: a poll may still meet a connection the restart broke (the next
  // one reconnects), so it is waited for, not read once.
  EXPECT_TRUE(WaitUntil([&] {
    return Metric(*exporter, "pipeline_exporter_db_up{pipeline=\"cofi\"}") == 1;
  })) << exporter->Log();
  const auto m = Metrics(*exporter);
  EXPECT_EQ(m.at("pipeline_events_total{pipeline=\"cofi\",pipeline_stage=\"stt\",event_type=\"file_"
                 "complete\"}"),
            40);
}

TEST_F(ExporterSqliteTest, MetricsAreGzippedWhenAsked) {
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

// Prometheus's default Accept gets OpenMetrics with exemplars that name rows of the table;
// without it the text format 0.0.4 is unchanged (LiveOutputPassesPromtool).
TEST_F(ExporterSqliteTest, OpenMetricsWithExemplarsWhenAsked) {
  auto exporter = Start();
  Insert(4, "", "batch_start");
  Insert(4, "stt", "stage_start", ", totalFiles", ", 3");
  Insert(4, "stt", "file_complete", ", fileName, durationMs", ", 'a.wav', 300");
  Insert(4, "stt", "file_complete", ", fileName, durationMs", ", 'b.wav', 7000");
  File(4, "stt", "error", "c.wav");
  WaitCaughtUp(*exporter);
  const auto r = exporter->Get(
      "/metrics", {{"Accept",
                    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "application/openmetrics-text; version=1.0.0; charset=utf-8");
  ASSERT_GE(r.body.size(), 6u);
  EXPECT_EQ(r.body.substr(r.body.size() - 6), "# EOF\n");
  EXPECT_NE(r.body.find("# TYPE pipeline_files_completed counter\n"), std::string::npos);
  EXPECT_NE(r.body.find("# UNIT pipeline_file_duration_seconds seconds\n"), std::string::npos);

  // Each exemplar names an event of the table: b.wav for the counter and the ≤ 10 s bucket,
  // a.wav for the ≤ 0.5 s bucket, c.wav for the failure.
  // "fileName/batch N" of the exemplar on a series' line, by the exporter's event endpoint.
  auto exemplar_of = [&](const std::string& series) -> std::string {
    const auto at = r.body.find("\n" + series + " ");
    if (at == std::string::npos) return "no series";
    const std::string line = r.body.substr(at + 1, r.body.find('\n', at + 1) - at - 1);
    static const std::regex kExemplar(R"re( # \{event_id="([0-9]+)",batch_id="([0-9]+)"\} )re");
    std::smatch m;
    if (!std::regex_search(line, m, kExemplar)) return "no exemplar";
    const auto event = exporter->Get("/api/events/" + m[1].str() + "?pipeline=cofi");
    if (event.status != 200) return "event " + m[1].str() + ": " + std::to_string(event.status);
    return nlohmann::json::parse(event.body).value("fileName", "") + "/batch " + m[2].str();
  };
  EXPECT_EQ(exemplar_of(Series("pipeline_files_completed_total", "stt")), "b.wav/batch 4");
  EXPECT_EQ(exemplar_of(Series("pipeline_files_failed_total", "stt")), "c.wav/batch 4");
  EXPECT_EQ(exemplar_of("pipeline_file_duration_seconds_bucket{pipeline=\"cofi\",pipeline_stage="
                        "\"stt\",le=\"0.5\"}"),
            "a.wav/batch 4");
  EXPECT_EQ(exemplar_of("pipeline_file_duration_seconds_bucket{pipeline=\"cofi\",pipeline_stage="
                        "\"stt\",le=\"10\"}"),
            "b.wav/batch 4");
  EXPECT_EQ(exemplar_of("pipeline_file_duration_seconds_bucket{pipeline=\"cofi\",pipeline_stage="
                        "\"stt\",le=\"1\"}"),
            "no exemplar");
  // Never on a gauge (Prometheus would refuse the whole scrape).
  EXPECT_EQ(exemplar_of(Series("pipeline_stage_files", "stt")), "no exemplar");

  const auto plain = exporter->Get("/metrics");
  EXPECT_EQ(plain.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(plain.body.find(" # {"), std::string::npos);
  EXPECT_EQ(plain.body.find("# EOF"), std::string::npos);
}

TEST_F(ExporterSqliteTest, HealthLandingPageAndTelemetryPath) {
  auto exporter = Start({"--web.telemetry-path=/custom-metrics"}, /*wait_for_poll=*/false);
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

TEST_F(ExporterSqliteTest, UnreachableDatabaseIsReportedWhileMetricsStillAnswer) {
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

TEST_F(ExporterSqliteTest, PortInUseIsAOneLineErrorAndNonZeroExit) {
  auto first = Start();
  ExporterProcess second({"--config.file=" + dir_.File("exporter.yml"),
                          "--web.listen-address=127.0.0.1:" + std::to_string(first->port())},
                         dir_.path().string(), dir_.File("second.log"));
  const auto code = second.WaitUntilExited(seconds(10));
  ASSERT_TRUE(code) << "second exporter did not exit";
  EXPECT_NE(*code, 0);
  EXPECT_NE(second.Log().find("cannot listen on 127.0.0.1:" + std::to_string(first->port())),
            std::string::npos)
      << second.Log();
}

TEST_F(ExporterSqliteTest, BadConfigStopsStartUpNamingTheKey) {
  std::ofstream(dir_.File("bad.yml")) << "pipelines:\n  - name: cofi\n    poll_interval: soon\n";
  ExporterProcess p({"--config.file=" + dir_.File("bad.yml")}, dir_.path().string(),
                    dir_.File("bad.log"));
  EXPECT_EQ(p.WaitUntilExited(seconds(10)), 1);
  EXPECT_NE(p.Log().find("pipelines[0].poll_interval: invalid duration \"soon\""),
            std::string::npos)
      << p.Log();
}

TEST_F(ExporterSqliteTest, NoConfigMeansDefaultPipelineOnLocalSqliteFile) {
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

TEST_F(ExporterSqliteTest, DemoMovesEveryStage) {
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

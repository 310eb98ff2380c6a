// Cheap requests that must not hurt the exporter (SPEC §8), through the real binary: an
// enabled ingest with no token is refused at start; idle sockets and half-sent request heads
// do not delay a scrape; stream slots are freed as soon as their clients leave; a 5xx names
// nothing inside; a large export streams with bounded memory while other requests answer.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/e2e/exporter_harness.h"
#include "tests/fakes/sse_client.h"

namespace pipeline_exporter {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class HardeningTest : public ExporterHarness, public ::testing::Test {
 protected:
  void SetUp() override {
    SetUpDatabase(Backend::kSqlite, "", "web:\n  max_sse_clients: 8\n  sse_heartbeat: 15s\n");
  }
};

TEST_F(HardeningTest, AnEnabledIngestWithAnEmptyTokenIsRefusedAtStart) {
  std::ofstream(dir_.File("exporter.yml"), std::ios::app)
      << "ingest:\n  enabled: true\n  token: \"${PE_TEST_UNSET_TOKEN}\"\n";
  ExporterProcess p(
      {"--config.file=" + dir_.File("exporter.yml"), "--web.listen-address=127.0.0.1:0"},
      dir_.path().string(), dir_.File("refused.log"));
  const auto code = p.WaitUntilExited(std::chrono::seconds(10));
  ASSERT_TRUE(code) << p.Log();
  EXPECT_NE(*code, 0);
  EXPECT_NE(p.Log().find("ingest.token: must not be empty when ingest.enabled is true"),
            std::string::npos)
      << p.Log();
}

TEST_F(HardeningTest, AnOpenFilesLimitTooLowForTheConfigurationIsReported) {
  // Soft and hard limit 100: below the 8 + 128 HTTP workers alone.
  ExporterProcess p(
      {"--nofile=100:100", "--", PE_EXPORTER_BINARY, "--config.file=" + dir_.File("exporter.yml"),
       "--web.listen-address=127.0.0.1:0"},
      dir_.path().string(), dir_.File("fds.log"), "/usr/bin/prlimit");
  ASSERT_TRUE(p.WaitReady()) << p.Log();
  EXPECT_NE(p.Log().find("the open-files limit is below what the configuration needs"),
            std::string::npos)
      << p.Log();
  EXPECT_NE(p.Log().find("limit=100 needed="), std::string::npos) << p.Log();
  EXPECT_EQ(p.Terminate(), 0);
}

TEST_F(HardeningTest, IdleSocketsAndHalfSentHeadsDoNotDelayAScrape) {
  auto p = Start();
  std::vector<int> held;
  for (int i = 0; i < 40; ++i) held.push_back(ConnectLoopback(p->port()));  // send nothing
  for (int i = 0; i < 40; ++i) {
    const int fd = ConnectLoopback(p->port());
    const std::string part = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    ASSERT_EQ(send(fd, part.data(), part.size(), MSG_NOSIGNAL), static_cast<ssize_t>(part.size()));
    held.push_back(fd);
  }
  for (int fd : held) ASSERT_GE(fd, 0);
  for (int i = 0; i < 5; ++i) {
    const auto t = Clock::now();
    EXPECT_EQ(p->Get("/metrics").status, 200);
    EXPECT_EQ(p->Get("/api/current-batch").status, 200);
    EXPECT_LT(SecondsSince(t), 2.0) << "with 80 stuck connections";
  }
  // A head that does not arrive in 10 s is given up: the server answers it (408) and closes.
  const auto t = Clock::now();
  timeval tv{15, 0};
  setsockopt(held.back(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[512];
  std::string answer;
  for (ssize_t got; (got = recv(held.back(), buf, sizeof buf, 0)) > 0;) answer.append(buf, got);
  EXPECT_LT(SecondsSince(t), 11.5) << answer;
  for (int fd : held) close(fd);
}

TEST_F(HardeningTest, StreamSlotsAreFreedWhenTheirClientsLeave) {
  auto p = Start();
  int ok = 0, busy = 0;
  for (int i = 0; i < 300; ++i) {
    SseClient c(p->port(), "/api/stream");
    if (c.response().status == 200) {
      ++ok;
      EXPECT_TRUE(c.NextEvent());  // the snapshot; then the client leaves
    } else {
      ++busy;
    }
  }
  EXPECT_GE(ok, 297) << busy << " of 300 got 503 at max_sse_clients 8";
  // And the slots all come back: the gauge returns to 0 without any event or ping.
  EXPECT_TRUE(WaitUntil([&] { return Metric(*p, "pipeline_exporter_sse_clients") == 0; },
                        std::chrono::seconds(3)));
}

class ServerErrorTest : public ExporterHarness, public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { SetUpDatabase(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(AllDatabases, ServerErrorTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_P(ServerErrorTest, AServerErrorNamesNothingInside) {
  auto p = Start();
  Insert(1, "stt", "stage_start");
  WaitCaughtUp(*p);
  sql_ << "DROP TABLE batchExecutionLog";
  // (Batch 1's error groups come from the fold, with no query: batch 2's are read.)
  for (const char* target : {"/api/batch/1/logs", "/api/batch/2/errors", "/api/events/1"}) {
    const auto r = p->Get(target);
    EXPECT_GE(r.status, 500) << target;
    const std::string body = Lower(r.body);
    for (const char* secret : {"batchexecutionlog", "select", "exist", "table", "exporter", "user",
                               "events.db", "/tmp", "pe."}) {
      EXPECT_EQ(body.find(secret), std::string::npos) << target << ": " << r.body;
    }
    std::smatch id;
    ASSERT_TRUE(std::regex_search(r.body, id, std::regex("request id ([0-9]+)"))) << r.body;
    // The details are in the log, under the same id.
    EXPECT_TRUE(WaitUntil([&] {
      const std::string log = Lower(p->Log());
      const auto at = log.find("request_id=" + id[1].str() + " ");
      return at != std::string::npos && log.find("batchexecutionlog", at) != std::string::npos;
    })) << p->Log();
  }
}

TEST_F(HardeningTest, ALargeExportStreamsWithBoundedMemoryWhileOthersAreServed) {
  // 60,000 rows with 4 KB responses: a 250 MB document.
  sql_ << "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000) "
          "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName, response) "
          "SELECT 1, 'stt', 'file_complete', 'f' || i, hex(randomblob(2048)) FROM n";
  // Under AddressSanitizer freed memory is held in a quarantine (256 MB by default), which
  // would be counted as the export's: keep it small for this process (ignored otherwise).
  const char* asan = std::getenv("ASAN_OPTIONS");
  setenv(
      "ASAN_OPTIONS",
      (std::string(asan ? asan : "") + ":quarantine_size_mb=8:thread_local_quarantine_size_kb=64:"
                                       "allocator_release_to_os_interval_ms=200")
          .c_str(),
      1);
  auto p = Start();
  if (asan) {
    setenv("ASAN_OPTIONS", asan, 1);
  } else {
    unsetenv("ASAN_OPTIONS");
  }
  WaitCaughtUp(*p, std::chrono::seconds(60));
  // The peak is measured from here: writing 5 to clear_refs resets VmHWM.
  std::ofstream("/proc/" + std::to_string(p->pid()) + "/clear_refs") << "5";
  const long rss_before = ProcStatus(p->pid(), "VmRSS");
  auto exported = std::async(std::launch::async, [&] {
    return HttpRequestRaw(p->port(), "GET", "/api/batch/1/export", "", {}, 300'000);
  });
  // Meanwhile the payload viewer answers at once: nothing is held against it.
  double slowest = 0;
  int asked = 0;
  // One payload request every 20 ms, as a person clicking through rows would be far slower.
  while (exported.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    const auto t = Clock::now();
    const auto r = p->Get("/api/events/" + std::to_string(1 + (asked * 7919) % 60000));
    slowest = std::max(slowest, SecondsSince(t));
    EXPECT_EQ(r.status, 200);
    ++asked;
  }
  const HttpResult r = exported.get();
  const long peak = ProcStatus(p->pid(), "VmHWM");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("transfer-encoding"), "chunked");
  EXPECT_GT(r.body.size(), 240u << 20);
  const auto doc = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["events"].size(), 60000u);
  EXPECT_EQ(doc["stats"]["stages"][1]["processed"], 60000);
  EXPECT_GT(asked, 0);
  EXPECT_LT(slowest, 1.0) << asked << " payload requests during the export";
  std::printf(
      "export: %zu MB streamed; peak RSS +%ld MB; %d payload requests meanwhile, slowest %.0f ms\n",
      r.body.size() >> 20, (peak - rss_before) / 1024, asked, slowest * 1000);
  EXPECT_LT(peak - rss_before, 100 * 1024)
      << "peak RSS grew by " << (peak - rss_before) / 1024 << " MB for a "
      << r.body.size() / (1 << 20) << " MB export";
}

}  // namespace
}  // namespace pipeline_exporter

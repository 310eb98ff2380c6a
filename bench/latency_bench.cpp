// Insert → SSE latency of the real exporter binary, per database and wake-up path: rows
// written with SQL on SQLite (inotify), on PostgreSQL with migration 003 (NOTIFY) and
// without it, on MariaDB (the poll), and through the ingest endpoint; each at a steady rate,
// with the default poll interval. Prints median, p99 and max over every event, and the
// wake-ups each path took. Usage:
//   latency_bench [events=300] [rate_per_s=50] [poll_interval=500ms]

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "exporter/source/schema_bootstrap.h"
#include "tests/e2e/database_server.h"
#include "tests/e2e/exporter_process.h"
#include "tests/fakes/http_client.h"
#include "tests/fakes/sse_client.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

using namespace pipeline_exporter;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
  double median_ms, p99_ms, max_ms;
};

Stats Summarise(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], ms.back()};
}

// Sends `n` events at `rate` per second with `send(i)`, and measures when each arrives.
std::vector<double> Measure(SseClient& stream, int n, int rate,
                            const std::function<void(int)>& send) {
  std::vector<Clock::time_point> sent(n);
  std::vector<double> latency;
  std::thread writer([&] {
    const auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      std::this_thread::sleep_until(start + std::chrono::microseconds(1'000'000LL * i / rate));
      sent[i] = Clock::now();
      send(i);
    }
  });
  while (static_cast<int>(latency.size()) < n) {
    const auto ev = stream.NextEvent(std::chrono::seconds(10));
    if (!ev) break;
    const auto now = Clock::now();
    const auto data = nlohmann::json::parse(ev->data, nullptr, false);
    if (!data.is_object() || !data["fileName"].is_string()) continue;
    const int i = std::stoi(data["fileName"].get<std::string>().substr(1));
    latency.push_back(std::chrono::duration<double, std::milli>(now - sent[i]).count());
  }
  writer.join();
  return latency;
}

struct Path {
  const char* name;
  Backend backend;
  bool notify_trigger;  // migration 003 (PostgreSQL)
  bool ingest;          // through POST /api/events instead of SQL
};

std::string WakeupCounts(const ExporterProcess& p) {
  const auto m = ParseMetrics(p.Get("/metrics").body);
  std::string out;
  for (const char* source : {"poll", "notify", "inotify", "api"}) {
    const auto it =
        m.find(std::string("pipeline_exporter_wakeups_total{pipeline=\"bench\",source=\"") +
               source + "\"}");
    if (it != m.end() && it->second > 0) {
      out += (out.empty() ? "" : " ") + std::string(source) + "=" +
             std::to_string(static_cast<long long>(it->second));
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 300;
  const int rate = argc > 2 ? std::atoi(argv[2]) : 50;
  const std::string poll = argc > 3 ? argv[3] : "500ms";
  const Path paths[] = {
      {"SQLite, SQL insert", Backend::kSqlite, false, false},
      {"PostgreSQL + 003, SQL insert", Backend::kPostgres, true, false},
      {"PostgreSQL, SQL insert", Backend::kPostgres, false, false},
      {"MariaDB, SQL insert", Backend::kMariaDb, false, false},
      {"SQLite, ingest endpoint", Backend::kSqlite, false, true},
  };
  std::printf("insert -> SSE latency, %d events at %d/s, poll_interval %s\n", n, rate,
              poll.c_str());
  std::printf("| path | events | median | p99 | max | wake-ups |\n|---|---|---|---|---|---|\n");
  bool complete = true;
  for (const Path& path : paths) {
    std::unique_ptr<DatabaseServer> server;
    try {
      server = DatabaseServer::Start(path.backend);
      EnsureEventTable(server->connect_string(), "batchExecutionLog");
      if (path.notify_trigger) ApplyMigration(server->connect_string(), 3, "batchExecutionLog");
    } catch (const std::exception& e) {
      std::printf("| %s | – | could not start: %s |||\n", path.name, e.what());
      complete = false;
      continue;
    }
    TempDir dir;
    std::ofstream(dir.File("exporter.yml"))
        << "pipelines:\n  - name: bench\n    database: \"" << server->connect_string()
        << "\"\n    poll_interval: " << poll
        << "\ningest:\n  enabled: true\n  token: bench-token\n";
    ExporterProcess p(
        {"--config.file=" + dir.File("exporter.yml"), "--web.listen-address=127.0.0.1:0"},
        dir.path().string(), dir.File("exporter.log"));
    if (!p.WaitReady() || !WaitUntil([&] { return p.Get("/api/health").status == 200; })) {
      std::printf("| %s | – | the exporter did not start |||\n", path.name);
      complete = false;
      continue;
    }
    if (path.notify_trigger) {
      WaitUntil([&] {
        return ParseMetrics(
                   p.Get("/metrics").body)["pipeline_exporter_listener_up{pipeline=\"bench\"}"] ==
               1;
      });
    }
    soci::session sql(server->connect_string());
    SseClient stream(p.port(), "/api/stream");
    stream.NextEvent();  // the snapshot
    const auto latency = Measure(stream, n, rate, [&](int i) {
      const std::string file = "f" + std::to_string(i);
      if (path.ingest) {
        HttpRequestRaw(
            p.port(), "POST", "/api/events",
            R"({"batchId": 1, "stage": "stt", "eventType": "file_complete", "fileName": ")" + file +
                "\"}",
            {{"Content-Type", "application/json"}, {"Authorization", "Bearer bench-token"}});
      } else {
        std::string f = file;
        sql << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName) VALUES (1, "
               "'stt', 'file_complete', :f)",
            soci::use(f);
      }
    });
    const std::string wakeups = WakeupCounts(p);
    p.Terminate();
    if (latency.empty()) {
      std::printf("| %s | 0 | (no events arrived) |||\n", path.name);
      complete = false;
      continue;
    }
    const Stats s = Summarise(latency);
    std::printf("| %s | %zu | %.1f ms | %.1f ms | %.1f ms | %s |\n", path.name, latency.size(),
                s.median_ms, s.p99_ms, s.max_ms, wakeups.c_str());
    std::fflush(stdout);
    complete = complete && latency.size() == static_cast<std::size_t>(n);
  }
  return complete ? 0 : 1;
}

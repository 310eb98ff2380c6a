// Insert → SSE latency of the real exporter binary on a temporary SQLite file: rows written
// with SQL (delivered by the poll) and through the ingest endpoint (delivered at once), at a
// steady rate; prints median and p99 over every event. Usage:
//   latency_bench PATH/TO/pipeline_exporter [events=1000] [rate_per_s=200] [poll_interval=500ms]

#include <signal.h>
#include <soci/soci.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "exporter/source/schema_bootstrap.h"
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH/TO/pipeline_exporter [events] [rate] [poll_interval]\n",
                 argv[0]);
    return 2;
  }
  const std::string binary = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int rate = argc > 3 ? std::atoi(argv[3]) : 200;
  const std::string poll = argc > 4 ? argv[4] : "500ms";

  TempDir dir;
  const std::string db = dir.File("events.db");
  EnsureEventTable("sqlite3://db=" + db, "batchExecutionLog");
  std::ofstream(dir.File("exporter.yml"))
      << "pipelines:\n  - name: bench\n    database: \"sqlite3://db=" << db
      << "\"\n    poll_interval: " << poll << "\ningest:\n  enabled: true\n  token: bench-token\n";
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with the benchmark, even when it crashes
    if (getppid() != parent) _exit(127);
    const std::string cfg = "--config.file=" + dir.File("exporter.yml");
    const std::string log = dir.File("exporter.log");
    freopen(log.c_str(), "w", stderr);
    execl(binary.c_str(), binary.c_str(), cfg.c_str(), "--web.listen-address=127.0.0.1:0", nullptr);
    _exit(127);
  }
  int port = 0;
  WaitUntil([&] {
    std::ifstream in(dir.File("exporter.log"));
    std::string s((std::istreambuf_iterator<char>(in)), {});
    const auto at = s.find("msg=\"listening\"");
    if (at == std::string::npos) return false;
    port = std::stoi(s.substr(s.find("port=", at) + 5));
    return true;
  });
  WaitUntil([&] { return HttpGet(port, "/api/health").status == 200; });

  soci::session sql("sqlite3://db=" + db + " timeout=5");
  SseClient sql_stream(port, "/api/stream");
  sql_stream.NextEvent();  // snapshot
  const auto by_sql = Measure(sql_stream, n, rate, [&](int i) {
    std::string file = "s" + std::to_string(i);
    sql << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName) VALUES (1, 'stt', "
           "'file_complete', :f)",
        soci::use(file);
  });

  SseClient ingest_stream(port, "/api/stream");
  ingest_stream.NextEvent();
  const auto by_ingest = Measure(ingest_stream, n, rate, [&](int i) {
    HttpRequestRaw(
        port, "POST", "/api/events",
        R"({"batchId": 2, "stage": "stt", "eventType": "file_complete", "fileName": "i)" +
            std::to_string(i) + "\"}",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer bench-token"}});
  });

  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);

  std::printf("insert -> SSE latency, %d events at %d/s, poll_interval %s (SQLite)\n", n, rate,
              poll.c_str());
  std::printf("%-22s %8s %10s %10s %10s\n", "path", "events", "median_ms", "p99_ms", "max_ms");
  for (const auto& [name, v] :
       {std::pair{"SQL insert (poll)", by_sql}, std::pair{"ingest endpoint", by_ingest}}) {
    if (v.empty()) {
      std::printf("%-22s %8d   (no events arrived)\n", name, 0);
      continue;
    }
    const Stats s = Summarise(v);
    std::printf("%-22s %8zu %10.1f %10.1f %10.1f\n", name, v.size(), s.median_ms, s.p99_ms,
                s.max_ms);
  }
  return by_sql.size() == static_cast<std::size_t>(n) &&
                 by_ingest.size() == static_cast<std::size_t>(n)
             ? 0
             : 1;
}

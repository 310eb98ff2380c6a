// System benchmarks of the real binary: replay speed and memory, /metrics latency at 200
// stage series as the log grows (and with 60 event streams open), the cost of one idle poll
// on SQLite, MariaDB and PostgreSQL, and a side-by-side with
// Debian's prometheus-sql-exporter computing the same per-stage counts from MariaDB.
// Prints Markdown tables; asserts nothing.
// Also: what each HTTP endpoint costs on a batch of 10,000 rows against one of 800,000
// (--rows=N; the bound each must keep: 3 × small + 25 ms) (--only=endpoints; with
// --binary=PATH another build, e.g. an older one, is measured the same way).
// And a load run (--only=load): RSS, threads and open fds before and after 1,000 stream
// connect/close cycles and a mixed load of scrapes, API calls, streams and ingest.
// And /errors of a batch no longer held, without and with migration 004's index
// (--only=errors-index).
// Usage: system_bench [--quick]
// [--only=replay|scrape|poll|side-by-side|endpoints|load|errors-index]
//                     [--binary=PATH] [--rows=N]

#include <dirent.h>
#include <soci/soci.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "exporter/source/event_columns.h"
#include "exporter/source/schema_bootstrap.h"
#include "exporter/source/sql_dialect.h"
#include "tests/e2e/database_server.h"
#include "tests/e2e/exporter_process.h"
#include "tests/fakes/http_client.h"
#include "tests/fakes/sse_client.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

using namespace pipeline_exporter;
using Clock = std::chrono::steady_clock;

namespace {

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

long RssKb(int pid) { return ProcStatus(pid, "VmRSS"); }

double CpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  std::istringstream f(stat.substr(stat.rfind(')') + 2));
  std::vector<std::string> v;
  for (std::string x; f >> x;) v.push_back(x);
  return (std::stod(v[11]) + std::stod(v[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Batches of `files` files through `stages` stages, as a pipeline writes them, until `rows`.
void Fill(soci::session& sql, const std::string& table, std::int64_t rows, int stages, int files,
          std::int64_t first_batch = 1) {
  const std::string insert =
      "INSERT INTO " + table +
      " (batchId, stage, eventType, fileName, totalFiles, processedFiles) VALUES ";
  std::int64_t written = 0;
  std::string values;
  int in_statement = 0;
  soci::transaction tx(sql);
  auto add = [&](std::int64_t batch, const std::string& stage, const char* type,
                 const std::string& file, int total, int processed) {
    values += std::string(in_statement ? "," : "") + "(" + std::to_string(batch) + "," +
              (stage.empty() ? "NULL" : "'" + stage + "'") + ",'" + type + "'," +
              (file.empty() ? "NULL" : "'" + file + "'") + "," +
              (total ? std::to_string(total) : "NULL") + "," +
              (processed ? std::to_string(processed) : "NULL") + ")";
    ++written;
    if (++in_statement == 1000) {
      sql << insert + values;
      values.clear();
      in_statement = 0;
    }
  };
  for (std::int64_t b = first_batch; written < rows; ++b) {
    add(b, "", "batch_start", "", files, 0);
    for (int s = 0; s < stages && written < rows; ++s) {
      char stage[16];
      std::snprintf(stage, sizeof stage, "stage_%02d", s);
      add(b, stage, "stage_start", "", files, 0);
      for (int f = 0; f < files && written < rows; ++f) {
        add(b, stage, "file_complete", "call_" + std::to_string(f) + ".wav", 0, 0);
      }
      add(b, stage, "stage_complete", "", 0, files);
    }
    add(b, "", "batch_complete", "", 0, 0);
  }
  if (in_statement) sql << insert + values;
  tx.commit();
}

struct Latency {
  double median_ms, p99_ms;
};

Latency Percentiles(std::vector<double> ms) {
  if (ms.empty()) return {0, 0};
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

Latency ScrapeLatency(int port, const std::string& path, int n) {
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    const auto t = Clock::now();
    const auto r = HttpGet(port, path);
    ms.push_back(Since(t) * 1000);
    if (r.status != 200) std::fprintf(stderr, "scrape %s answered %d\n", path.c_str(), r.status);
  }
  return Percentiles(std::move(ms));
}

// Scrapes over one kept-alive connection, as Prometheus does (it also asks for gzip when
// `gzip` is set). Reads each response by its Content-Length.
Latency KeepAliveScrapeLatency(int port, const std::string& path, int n, bool gzip) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return {0, 0};
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                              (gzip ? "Accept-Encoding: gzip\r\n" : "") + "\r\n";
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    const auto t = Clock::now();
    if (!SendAll(fd, request) || ReadResponse(fd, 5000).status != 200) break;
    ms.push_back(Since(t) * 1000);
  }
  close(fd);
  return Percentiles(std::move(ms));
}

double LastEventId(int port, const std::string& pipeline) {
  const auto body = HttpGet(port, "/metrics").body;
  const std::string key = "pipeline_exporter_last_event_id{pipeline=\"" + pipeline + "\"} ";
  const auto at = body.find(key);
  return at == std::string::npos ? -1 : std::stod(body.substr(at + key.size()));
}

std::string g_binary = PE_EXPORTER_BINARY;

std::unique_ptr<ExporterProcess> StartExporter(const TempDir& dir, const std::string& config,
                                               const std::string& log) {
  std::ofstream(dir.File("exporter.yml")) << config;
  auto p = std::make_unique<ExporterProcess>(
      std::vector<std::string>{"--config.file=" + dir.File("exporter.yml"),
                               "--web.listen-address=127.0.0.1:0"},
      dir.path().string(), dir.File(log), g_binary);
  p->WaitReady();
  return p;
}

void ReplayAndMemory(std::int64_t replay_rows) {
  TempDir dir;
  const std::string db = dir.File("events.db");
  EnsureEventTable("sqlite3://db=" + db, "batchExecutionLog");
  const std::string config =
      "pipelines:\n  - name: bench\n    database: \"sqlite3://db=" + db + "\"\n";
  long idle_kb = 0;
  {
    auto idle = StartExporter(dir, config, "idle.log");
    WaitUntil([&] { return LastEventId(idle->port(), "bench") >= 0; });
    for (int i = 0; i < 20; ++i) HttpGet(idle->port(), "/metrics");
    idle_kb = RssKb(idle->pid());
    idle->Terminate();
  }
  {
    soci::session sql("sqlite3://db=" + db);
    Fill(sql, "batchExecutionLog", replay_rows, 10, 500);
  }
  // The exporter's replay, start to every row applied (best of three), against the sqlite3
  // shell reading the same columns of the same file in id order (best of three).
  double secs = 1e9;
  long replay_kb = 0;
  for (int run = 0; run < 3; ++run) {
    const auto start = Clock::now();
    auto p = StartExporter(dir, config, "replay" + std::to_string(run) + ".log");
    WaitUntil([&] { return LastEventId(p->port(), "bench") >= static_cast<double>(replay_rows); },
              std::chrono::seconds(300));
    secs = std::min(secs, Since(start));
    replay_kb = RssKb(p->pid());
    p->Terminate();
  }
  const std::string query = "SELECT " + EventColumns(SqlDialect::kSqlite, RowShape::kList, true) +
                            " FROM batchExecutionLog WHERE id > 0 ORDER BY id";
  double shell_secs = 1e9;
  std::string shell_error;
  for (int run = 0; run < 3; ++run) {
    const auto start = Clock::now();
    std::string output;
    const int status = RunCommand("sqlite3 '" + db + "' \"" + query + "\" > /dev/null", &output);
    if (status != 0) shell_error = output;
    shell_secs = std::min(shell_secs, Since(start));
  }
  std::printf("\n## Replay and memory (SQLite, 10 stages x 500 files per batch)\n\n");
  std::printf("| figure | value |\n|---|---|\n");
  std::printf("| rows replayed | %lld |\n", static_cast<long long>(replay_rows));
  std::printf("| start to ready (all rows applied) | %.2f s |\n", secs);
  std::printf("| replay speed | %.0f events/s |\n", static_cast<double>(replay_rows) / secs);
  if (shell_error.empty()) {
    std::printf("| sqlite3 shell reading the same columns | %.0f rows/s |\n",
                static_cast<double>(replay_rows) / shell_secs);
    std::printf("| replay / shell | %.2f |\n", shell_secs / secs);
  } else {
    std::printf("| sqlite3 shell | failed: %s |\n", shell_error.c_str());
  }
  std::printf("| RSS idle (empty log) | %.1f MB |\n", static_cast<double>(idle_kb) / 1024);
  std::printf("| RSS after replaying %lld rows | %.1f MB |\n", static_cast<long long>(replay_rows),
              static_cast<double>(replay_kb) / 1024);
  std::fflush(stdout);
}

// One pipeline of 10 stages whose files are spread over `workers` GPUs (64 is the default
// max_workers): the scrape with every worker series, its size and latency.
void ScrapeWithWorkers(int workers, int scrapes) {
  std::printf("\n## /metrics with workers: 1 pipeline, 10 stages x %d workers\n\n", workers);
  std::printf(
      "| worker series | scrape size | new connection median / p99 | keep-alive + gzip |\n"
      "|---|---|---|---|\n");
  TempDir dir;
  const std::string db = dir.File("events.db");
  EnsureEventTable("sqlite3://db=" + db, "log");
  {
    soci::session sql("sqlite3://db=" + db);
    soci::transaction tx(sql);
    sql << "INSERT INTO log (batchId, eventType) VALUES (1, 'batch_start')";
    for (int s = 0; s < 10; ++s) {
      std::string values;
      for (int w = 0; w < workers * 4; ++w) {
        values += std::string(w ? "," : "") + "(1,'stage_" + std::to_string(s) + "','" +
                  (w % 17 == 0 ? "error" : "file_complete") + "','f" + std::to_string(w) +
                  ".wav','10.0." + std::to_string(w % workers / 256) + "." +
                  std::to_string(w % workers % 256) + "'," + std::to_string(100 + w) + ")";
      }
      sql << "INSERT INTO log (batchId, stage, eventType, fileName, gpuIp, durationMs) VALUES " +
                 values;
    }
    tx.commit();
  }
  auto p = StartExporter(
      dir,
      "pipelines:\n  - name: gpus\n    database: \"sqlite3://db=" + db + "\"\n    table: log\n",
      "exporter.log");
  WaitUntil([&] { return LastEventId(p->port(), "gpus") >= 1 + 10.0 * workers * 4; },
            std::chrono::seconds(60));
  ScrapeLatency(p->port(), "/metrics", 20);  // warm up
  const std::string body = HttpGet(p->port(), "/metrics").body;
  std::size_t series = 0;
  for (std::size_t at = body.find("\npipeline_worker_"); at != std::string::npos;
       at = body.find("\npipeline_worker_", at + 1)) {
    ++series;
  }
  const Latency plain = ScrapeLatency(p->port(), "/metrics", scrapes);
  const Latency gzip = KeepAliveScrapeLatency(p->port(), "/metrics", scrapes, true);
  p->Terminate();
  std::printf("| %zu | %.0f KB | %.2f / %.2f ms | %.2f / %.2f ms |\n", series,
              static_cast<double>(body.size()) / 1024, plain.median_ms, plain.p99_ms,
              gzip.median_ms, gzip.p99_ms);
  std::fflush(stdout);
}

void ScrapeAtScale(const std::vector<std::int64_t>& sizes, int scrapes) {
  std::printf("\n## /metrics latency, 10 pipelines x 20 stages (200 stage series), SQLite\n\n");
  std::printf(
      "median / p99 of each: a new connection per scrape; one kept-alive connection (as "
      "Prometheus); the same asking for gzip (as Prometheus does); a new connection per scrape "
      "with 60 SSE clients connected\n\n"
      "| rows in the logs | scrape size | new connection | keep-alive | keep-alive + gzip | "
      "with 60 SSE clients | RSS after |\n|---|---|---|---|---|---|---|\n");
  for (const std::int64_t rows : sizes) {
    TempDir dir;
    const std::string db = dir.File("events.db");
    std::string config = "web:\n  max_sse_clients: 64\npipelines:\n";
    for (int i = 0; i < 10; ++i) {
      const std::string table = "log" + std::to_string(i);
      EnsureEventTable("sqlite3://db=" + db, table);
      {
        soci::session sql("sqlite3://db=" + db);
        Fill(sql, table, rows / 10, 20, 10);  // small batches: every stage active at every size
      }
      config += "  - name: p" + std::to_string(i) + "\n    database: \"sqlite3://db=" + db +
                "\"\n    table: " + table + "\n";
    }
    auto p = StartExporter(dir, config, "exporter.log");
    WaitUntil([&] { return LastEventId(p->port(), "p9") >= static_cast<double>(rows / 10); },
              std::chrono::seconds(300));
    ScrapeLatency(p->port(), "/metrics", 20);  // warm up
    const std::size_t bytes = HttpGet(p->port(), "/metrics").body.size();
    const Latency plain = ScrapeLatency(p->port(), "/metrics", scrapes);
    const Latency kept = KeepAliveScrapeLatency(p->port(), "/metrics", scrapes, false);
    const Latency kept_gzip = KeepAliveScrapeLatency(p->port(), "/metrics", scrapes, true);
    std::vector<std::unique_ptr<SseClient>> streams;
    for (int i = 0; i < 60; ++i) {
      streams.push_back(std::make_unique<SseClient>(
          p->port(), "/api/stream?pipeline=p" + std::to_string(i % 10)));
    }
    const Latency with_sse = ScrapeLatency(p->port(), "/metrics", scrapes);
    const long rss_kb = RssKb(p->pid());
    streams.clear();
    p->Terminate();
    std::printf(
        "| %lld | %.0f KB | %.2f / %.2f ms | %.2f / %.2f ms | %.2f / %.2f ms | %.2f / %.2f ms | "
        "%.1f MB |\n",
        static_cast<long long>(rows), static_cast<double>(bytes) / 1024, plain.median_ms,
        plain.p99_ms, kept.median_ms, kept.p99_ms, kept_gzip.median_ms, kept_gzip.p99_ms,
        with_sse.median_ms, with_sse.p99_ms, static_cast<double>(rss_kb) / 1024);
    std::fflush(stdout);
  }
}

// prometheus-sql-exporter 0.4.5 runs its SQL on a schedule (here every second, as fresh as
// a 1 s scrape) and serves cached results; pipeline_exporter polls the tail every 500 ms.
// Compared: scrape latency, and the database CPU each costs per second of operation.
int SideBySide(const std::vector<std::int64_t>& sizes, double window_s) {
  std::printf(
      "\n## pipeline_exporter vs prometheus-sql-exporter (MariaDB, same per-stage counts of the "
      "newest batch)\n\n");
  std::printf(
      "| rows | ours: median scrape | sql_exporter: median scrape | ours: DB CPU per s | "
      "sql_exporter: DB CPU per s | DB CPU ratio | sql_exporter: DB CPU per query run |\n"
      "|---|---|---|---|---|---|---|\n");
  std::unique_ptr<DatabaseServer> server;
  try {
    server = DatabaseServer::Start(Backend::kMariaDb);
  } catch (const std::exception& e) {
    std::printf("MariaDB could not be started: %s\n", e.what());
    return 1;
  }
  EnsureEventTable(server->connect_string(), "batchExecutionLog");
  soci::session sql(server->connect_string());
  auto questions = [&] {
    std::string name;
    long long n = 0;
    sql << "SHOW GLOBAL STATUS LIKE 'Questions'", soci::into(name), soci::into(n);
    return n;
  };
  struct Load {
    double median_ms, cpu_per_s;
    long long queries;
  };
  // Scrapes 10 times a second for the window; DB CPU per second and queries run meanwhile.
  auto measure = [&](int port) {
    const double cpu0 = CpuSeconds(server->server_pid());
    const long long q0 = questions();
    const auto t0 = Clock::now();
    std::vector<double> ms;
    while (Since(t0) < window_s) {
      const auto t = Clock::now();
      HttpGet(port, "/metrics");
      ms.push_back(Since(t) * 1000);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const double secs = Since(t0);
    return Load{Percentiles(std::move(ms)).median_ms,
                (CpuSeconds(server->server_pid()) - cpu0) / secs, questions() - q0 - 1};
  };
  std::int64_t have = 0;
  for (const std::int64_t rows : sizes) {
    Fill(sql, "batchExecutionLog", rows - have, 10, 500, 1 + have / 5022);
    have = rows;
    TempDir dir;
    auto p = StartExporter(
        dir, "pipelines:\n  - name: bench\n    database: \"" + server->connect_string() + "\"\n",
        "exporter.log");
    WaitUntil([&] { return LastEventId(p->port(), "bench") >= static_cast<double>(rows); },
              std::chrono::seconds(300));
    const Load ours = measure(p->port());
    p->Terminate();

    const std::string cs = server->connect_string();
    const auto port_at = cs.find("port=") + 5;
    const std::string db_port = cs.substr(port_at, cs.find(' ', port_at) - port_at);
    const int sx_port = FreePort();
    std::ofstream(dir.File("sql_exporter.yml"))
        << "jobs:\n- name: pipeline\n  interval: '1s'\n  connections:\n  - "
           "'mysql://pe:pe@tcp(127.0.0.1:"
        << db_port
        << ")/pe'\n  queries:\n  - name: stage_files\n    help: per-stage counts of the newest "
           "batch\n"
           "    labels: [stage]\n    values: [total, processed, failed]\n    query: |\n"
           "      SELECT stage, CAST(MAX(totalFiles) AS DOUBLE) AS total,\n"
           "             CAST(SUM(eventType = 'file_complete') AS DOUBLE) AS processed,\n"
           "             CAST(SUM(eventType = 'error') AS DOUBLE) AS failed\n"
           "      FROM batchExecutionLog WHERE stage IS NOT NULL\n"
           "        AND batchId = (SELECT MAX(batchId) FROM batchExecutionLog) GROUP BY stage\n";
    ExporterProcess sx({"-config.file", dir.File("sql_exporter.yml"), "-web.listen-address",
                        "127.0.0.1:" + std::to_string(sx_port)},
                       dir.path().string(), dir.File("sql_exporter.log"),
                       "prometheus-sql-exporter");
    const bool up = WaitUntil(
        [&] { return HttpGet(sx_port, "/metrics").body.find("stage_files") != std::string::npos; },
        std::chrono::seconds(30));
    if (!up) {
      std::printf("prometheus-sql-exporter served no results:\n%s\n", sx.Log().c_str());
      return 1;
    }
    const Load theirs = measure(sx_port);
    sx.Terminate();
    const double per_run_ms = theirs.queries > 0 ? theirs.cpu_per_s * window_s /
                                                       static_cast<double>(theirs.queries) * 1000
                                                 : 0;
    char ratio[64];
    if (ours.cpu_per_s > 0) {
      std::snprintf(ratio, sizeof ratio, "%.1fx", theirs.cpu_per_s / ours.cpu_per_s);
    } else {
      std::snprintf(ratio, sizeof ratio, "ours below the clock tick");
    }
    std::printf("| %lld | %.2f ms | %.2f ms | %.1f ms | %.1f ms | %s | %.2f ms |\n",
                static_cast<long long>(rows), ours.median_ms, theirs.median_ms,
                ours.cpu_per_s * 1000, theirs.cpu_per_s * 1000, ratio, per_run_ms);
    std::fflush(stdout);
  }
  return 0;
}

// What one idle poll of the tail costs on each database: the exporter's own
// pipeline_exporter_poll_duration_seconds (sum / count) over `polls` polls of a log of 10,000
// rows in which nothing new arrives, as in a quiet hour of a pipeline.
void PollCost(int polls) {
  std::printf("\n## Tail cost per idle poll (the exporter's poll_duration histogram)\n\n");
  std::printf(
      "| database | polls | mean poll (query + clock, 2 round trips) | exporter CPU per poll | "
      "server CPU per poll |\n|---|---|---|---|---|\n");
  for (const Backend backend : {Backend::kSqlite, Backend::kMariaDb, Backend::kPostgres}) {
    std::unique_ptr<DatabaseServer> server;
    try {
      server = DatabaseServer::Start(backend);
    } catch (const std::exception& e) {
      std::printf("| %s | – | could not start: %s |\n", BackendName(backend).c_str(), e.what());
      continue;
    }
    EnsureEventTable(server->connect_string(), "batchExecutionLog");
    {
      soci::session sql(server->connect_string());
      Fill(sql, "batchExecutionLog", 10'000, 10, 100);
    }
    TempDir dir;
    auto p = StartExporter(dir,
                           "pipelines:\n  - name: bench\n    database: \"" +
                               server->readonly_connect_string() + "\"\n    poll_interval: 20ms\n",
                           "exporter.log");
    auto read = [&](const char* what) {
      const auto m = ParseMetrics(HttpGet(p->port(), "/metrics").body);
      const auto it = m.find(std::string("pipeline_exporter_poll_duration_seconds_") + what +
                             "{pipeline=\"bench\"}");
      return it == m.end() ? 0.0 : it->second;
    };
    WaitUntil([&] { return LastEventId(p->port(), "bench") >= 10'000; }, std::chrono::seconds(60));
    const double count0 = read("count"), sum0 = read("sum");
    const double cpu0 = CpuSeconds(p->pid());
    const int server_pid = server->server_pid();
    const double server_cpu0 = server_pid > 0 ? CpuSeconds(server_pid) : 0;
    // Idle for `polls` intervals, unobserved (a scrape would cost more than a poll).
    std::this_thread::sleep_for(std::chrono::milliseconds(20) * polls);
    const double n = read("count") - count0;
    const double mean_ms = n > 0 ? (read("sum") - sum0) / n * 1000 : 0;
    // Includes one scrape: an upper bound.
    const double cpu_us = n > 0 ? (CpuSeconds(p->pid()) - cpu0) / n * 1e6 : 0;
    const double server_us =
        n > 0 && server_pid > 0 ? (CpuSeconds(server_pid) - server_cpu0) / n * 1e6 : 0;
    p->Terminate();
    std::printf("| %s | %.0f | %.2f ms | %.0f µs | %s |\n", BackendName(backend).c_str(), n,
                mean_ms, cpu_us,
                server_pid > 0 ? (std::to_string(static_cast<long long>(server_us)) + " µs").c_str()
                               : "– (in process)");
    std::fflush(stdout);
  }
}

}  // namespace

// A SQLite file (created) holding batch 1 of `rows` rows through 10 stages with rows / 1000
// errors among its newest rows, then `later_rows` rows of small batches 2, 3, ….
void FillOneBigBatch(const std::string& db, std::int64_t rows, std::int64_t later_rows) {
  EnsureEventTable("sqlite3://db=" + db, "batchExecutionLog");
  soci::session sql("sqlite3://db=" + db);
  Fill(sql, "batchExecutionLog", rows, 10, static_cast<int>(rows / 10));
  soci::transaction tx(sql);
  for (std::int64_t i = 0; i < rows / 1000; ++i) {
    sql << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName, errorMessage) "
           "VALUES (1, 'stage_03', 'error', 'retry_" +
               std::to_string(i) + ".wav', 'timeout after " + std::to_string(1000 + i % 97) +
               " ms on gpu " + std::to_string(i % 4) + "')";
  }
  tx.commit();
  Fill(sql, "batchExecutionLog", later_rows, 2, 50, 2);
}

// What each endpoint costs on one batch of `rows` rows (10 stages, file_complete rows, one
// error in a thousand), with a small batch after it: median and slowest of `n` requests, the
// body size, and the exporter's peak RSS after each endpoint. Returns the medians (ms).
std::map<std::string, double> EndpointCost(std::int64_t rows, int n) {
  TempDir dir;
  const std::string db = dir.File("events.db");
  FillOneBigBatch(db, rows, 200);
  const std::string config =
      "pipelines:\n  - name: bench\n    database: \"sqlite3://db=" + db + "\"\n";
  auto p = StartExporter(dir, config, "endpoints.log");
  soci::session sql("sqlite3://db=" + db + " timeout=30");
  long long max_id = 0;
  sql << "SELECT MAX(id) FROM batchExecutionLog", soci::into(max_id);
  WaitUntil([&] { return LastEventId(p->port(), "bench") >= static_cast<double>(max_id); },
            std::chrono::seconds(600));
  std::printf("\n## Endpoint cost on one batch of %lld rows (SQLite, %s)\n\n",
              static_cast<long long>(rows), g_binary.c_str());
  std::printf("| endpoint | median | slowest | body | peak RSS after |\n|---|---|---|---|---|\n");
  const std::vector<std::pair<std::string, int>> endpoints = {
      {"/api/current-batch", n},
      {"/api/batches?limit=20", n},
      {"/api/batch/1/stats", n},
      {"/api/batch/1/logs?limit=100", n},
      {"/api/batch/1/logs?stage=stage_03&limit=100", n},
      {"/api/batch/1/logs?q=retry_7&limit=100", n},
      {"/api/batch/1/logs?q=no-such-file&limit=100", n},
      {"/api/batch/1/logs?type=error&limit=100", n},
      {"/api/batch/1/errors", n},
      {"/api/events/" + std::to_string(rows / 2), n},
      {"/api/batch/1/export", std::min(n, 3)},
  };
  std::map<std::string, double> medians;
  for (const auto& [target, count] : endpoints) {
    std::vector<double> ms;
    std::size_t bytes = 0;
    int status = 0;
    for (int i = 0; i < count; ++i) {
      const auto t = Clock::now();
      const auto r = HttpRequestRaw(p->port(), "GET", target, "", {}, 300'000);
      ms.push_back(Since(t) * 1000);
      bytes = r.body.size();
      status = r.status;
    }
    std::sort(ms.begin(), ms.end());
    const std::string key = target.rfind("/api/events/", 0) == 0 ? "/api/events/{id}" : target;
    medians[key] = ms[ms.size() / 2];
    std::printf("| `%s` | %.1f ms | %.1f ms | %.1f KB%s | %.0f MB |\n", target.c_str(),
                ms[ms.size() / 2], ms.back(), static_cast<double>(bytes) / 1024,
                status == 200 ? "" : (" (" + std::to_string(status) + ")").c_str(),
                static_cast<double>(ProcStatus(p->pid(), "VmHWM")) / 1024);
    std::fflush(stdout);
  }
  std::printf("| RSS after all | | | | %.0f MB now |\n",
              static_cast<double>(RssKb(p->pid())) / 1024);
  p->Terminate();
  return medians;
}

// Every endpoint on a small and a big batch: the big one's median must stay within
// 3 × the small one's + 25 ms (export streams every row, so it grows by design).
void EndpointScaling(std::int64_t small_rows, std::int64_t big_rows, int n) {
  const auto small = EndpointCost(small_rows, n);
  const auto big = EndpointCost(big_rows, n);
  std::printf("\n## Endpoint cost: %lld rows against %lld rows (bound: 3 × small + 25 ms)\n\n",
              static_cast<long long>(big_rows), static_cast<long long>(small_rows));
  std::printf("| endpoint | %lld rows | %lld rows | bound | within |\n|---|---|---|---|---|\n",
              static_cast<long long>(small_rows), static_cast<long long>(big_rows));
  int over = 0;
  for (const auto& [target, s] : small) {
    const auto it = big.find(target);
    if (it == big.end()) continue;
    const bool grows = target.find("/export") != std::string::npos;
    const double bound = 3 * s + 25;
    const bool ok = it->second <= bound;
    if (!ok && !grows) ++over;
    std::printf("| `%s` | %.1f ms | %.1f ms | %.1f ms | %s |\n", target.c_str(), s, it->second,
                bound, grows ? "(every row, by design)" : (ok ? "yes" : "**no**"));
  }
  std::printf("\n%d endpoint(s) over the bound.\n", over);
  std::fflush(stdout);
}

std::string ProcessFigures(int pid) {
  std::size_t fds = 0;
  if (DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
    while (readdir(d)) ++fds;
    closedir(d);
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.1f MB | %ld | %zu", static_cast<double>(RssKb(pid)) / 1024,
                ProcStatus(pid, "Threads"), fds - 2);
  return buf;
}

// 1,000 stream cycles, then `seconds` of mixed load, against one exporter with ingest on.
void Load(int seconds) {
  TempDir dir;
  const std::string db = dir.File("events.db");
  EnsureEventTable("sqlite3://db=" + db, "batchExecutionLog");
  const std::string config =
      "web:\n  max_sse_clients: 8\ningest:\n  enabled: true\n  token: t0ken\n"
      "pipelines:\n  - name: bench\n    database: \"sqlite3://db=" +
      db + "\"\n";
  auto p = StartExporter(dir, config, "load.log");
  std::printf(
      "\n## Load: 1,000 stream cycles, then %d s of mixed load (SQLite, max_sse_clients 8)\n\n",
      seconds);
  std::printf("| moment | RSS | threads | open fds |\n|---|---|---|---|\n");
  std::printf("| idle | %s |\n", ProcessFigures(p->pid()).c_str());
  int ok = 0, busy = 0;
  for (int i = 0; i < 1000; ++i) {
    SseClient c(p->port(), "/api/stream");
    if (c.response().status == 200) {
      ++ok;
      c.NextEvent();
    } else {
      ++busy;
    }
  }
  std::printf("| after 1,000 stream cycles (%d × 200, %d × 503) | %s |\n", ok, busy,
              ProcessFigures(p->pid()).c_str());
  std::atomic<bool> stop{false};
  std::atomic<long> scrapes{0}, api{0}, ingested{0}, streamed{0}, failures{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 2; ++i) {
    workers.emplace_back([&] {
      while (!stop) (HttpGet(p->port(), "/metrics").status == 200 ? scrapes : failures)++;
    });
  }
  workers.emplace_back([&] {
    const char* targets[] = {"/api/current-batch", "/api/batches", "/api/batch/1/stats",
                             "/api/batch/1/logs?limit=50", "/api/batch/1/errors"};
    for (int i = 0; !stop; ++i) {
      const int status = HttpGet(p->port(), targets[i % 5]).status;
      (status == 200 || status == 404 ? api : failures)++;
    }
  });
  workers.emplace_back([&] {
    std::string body = "[";
    for (int f = 0; f < 50; ++f) {
      body += std::string(f ? "," : "") +
              R"({"batchId":1,"stage":"stt","eventType":"file_complete","fileName":"f)" +
              std::to_string(f) + R"(.wav","durationMs":120})";
    }
    body += "]";
    while (!stop) {
      const auto r =
          HttpRequestRaw(p->port(), "POST", "/api/events", body,
                         {{"Authorization", "Bearer t0ken"}, {"Content-Type", "application/json"}});
      if (r.status == 202) {
        ingested += 50;
      } else {
        ++failures;
      }
    }
  });
  for (int i = 0; i < 6; ++i) {
    workers.emplace_back([&] {
      while (!stop) {
        SseClient c(p->port(), "/api/stream");
        for (int n = 0; n < 200 && !stop && c.Next(std::chrono::seconds(1)); ++n) ++streamed;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));  // the load's duration
  stop = true;
  for (auto& w : workers) w.join();
  std::printf("| after the mixed load | %s |\n", ProcessFigures(p->pid()).c_str());
  WaitUntil([&] {
    return HttpGet(p->port(), "/metrics").body.find("pipeline_exporter_sse_clients 0") !=
           std::string::npos;
  });
  std::printf("| streams closed | %s |\n\n", ProcessFigures(p->pid()).c_str());
  std::printf(
      "Mixed load: %ld scrapes, %ld API calls, %ld events ingested, %ld stream messages "
      "received, %ld failed requests.\n",
      scrapes.load(), api.load(), ingested.load(), streamed.load(), failures.load());
  std::fflush(stdout);
  p->Terminate();
}

// /api/batch/{id}/errors of a batch the fold no longer holds (max_batches: 2, three newer
// batches) on a batch of `rows` rows: read from the table page by page down to the run's start.
// Without migration 004's (batchId, eventType, id) index the last page walks every row of the
// batch; with it the database seeks to the error rows. Both in one run, on one exporter.
void ErrorsIndex(std::int64_t rows, int n) {
  TempDir dir;
  const std::string db = dir.File("events.db");
  FillOneBigBatch(db, rows, 800);
  const std::string config = "pipelines:\n  - name: bench\n    database: \"sqlite3://db=" + db +
                             "\"\n    max_batches: 2\n";
  auto p = StartExporter(dir, config, "errors.log");
  soci::session sql("sqlite3://db=" + db + " timeout=30");
  long long max_id = 0;
  sql << "SELECT MAX(id) FROM batchExecutionLog", soci::into(max_id);
  WaitUntil([&] { return LastEventId(p->port(), "bench") >= static_cast<double>(max_id); },
            std::chrono::seconds(600));
  auto measure = [&] {
    std::vector<double> ms;
    std::size_t bytes = 0;
    for (int i = 0; i < n; ++i) {
      const auto t = Clock::now();
      bytes = HttpRequestRaw(p->port(), "GET", "/api/batch/1/errors", "", {}, 300'000).body.size();
      ms.push_back(Since(t) * 1000);
    }
    std::sort(ms.begin(), ms.end());
    return std::make_tuple(ms[ms.size() / 2], ms.back(), bytes);
  };
  // The exporter brings SQLite files up to 004 at start: the index goes after that.
  sql << "DROP INDEX batchExecutionLog_batch_type";
  std::printf(
      "\n## /api/batch/1/errors of a batch not held, %lld rows (SQLite): migration 004's index"
      "\n\n| index (batchId, eventType, id) | median | slowest | body |\n|---|---|---|---|\n",
      static_cast<long long>(rows));
  const auto [before_median, before_max, before_bytes] = measure();
  std::printf("| without (001–002) | %.1f ms | %.1f ms | %.1f KB |\n", before_median, before_max,
              static_cast<double>(before_bytes) / 1024);
  std::fflush(stdout);
  sql << "CREATE INDEX batchExecutionLog_batch_type ON batchExecutionLog (batchId, eventType, id)";
  const auto [after_median, after_max, after_bytes] = measure();
  std::printf("| with (004) | %.1f ms | %.1f ms | %.1f KB |\n", after_median, after_max,
              static_cast<double>(after_bytes) / 1024);
  std::fflush(stdout);
  p->Terminate();
}

long long FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  return in ? static_cast<long long>(in.tellg()) : 0;
}

// `pipeline_exporter prune` of `rows` rows on SQLite (every batch ended; batches of ~10,000
// rows), while a pipeline writes a running batch into the same file, one INSERT every 2 ms on a
// session with SQLite's own busy handler (as Python's sqlite3 has): the prune's rows/s, the
// file before and after, and how long the writer's INSERTs took — the longest is how long a
// writer waited on the prune.
void PruneCost(std::int64_t rows) {
  TempDir dir;
  const std::string db = dir.File("events.db");
  EnsureEventTable("sqlite3://db=" + db, "batchExecutionLog");
  {
    soci::session sql("sqlite3://db=" + db);
    Fill(sql, "batchExecutionLog", rows, 10, 1000);
    sql << "PRAGMA wal_checkpoint(TRUNCATE)";
  }
  const long long size_before = FileBytes(db);
  std::ofstream(dir.File("prune.yml"))
      << "pipelines:\n  - name: bench\n    database: \"sqlite3://db=" << db << "\"\n";
  std::atomic<bool> stop{false};
  std::vector<double> waits;
  std::thread writer([&] {
    soci::session sql("sqlite3://db=" + db + " timeout=30");
    sql << "INSERT INTO batchExecutionLog (batchId, eventType) VALUES (999999999, 'batch_start')";
    for (int i = 0; !stop; ++i) {
      const auto t = Clock::now();
      sql << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName) VALUES "
             "(999999999, 'stt', 'file_complete', 'live_" +
                 std::to_string(i) + ".wav')";
      waits.push_back(Since(t) * 1000);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::string out;
  const auto t = Clock::now();
  const int rc = RunCommand(g_binary + " prune --config.file=" + dir.File("prune.yml") +
                                " --older-than=0s --keep-batches=0 --batch-size=5000",
                            &out);
  const double seconds = Since(t);
  stop = true;
  writer.join();
  long long deleted = 0;
  if (const auto at = out.find(" rows="); at != std::string::npos) {
    deleted = std::stoll(out.substr(at + 6));
  }
  std::sort(waits.begin(), waits.end());
  std::printf(
      "\n## Prune of %lld rows on SQLite (batches of ~10,000 rows, 5,000 rows per "
      "transaction) beside a writer\n\n",
      static_cast<long long>(rows));
  std::printf(
      "| rows deleted | time | rows/s | file before → after | writer INSERTs | median | p99 | "
      "longest |\n|---|---|---|---|---|---|---|---|\n");
  std::printf("| %lld%s | %.1f s | %.0f k | %.0f → %.1f MB | %zu | %.2f ms | %.1f ms | %.1f ms |\n",
              deleted, rc == 0 ? "" : " (exit != 0)", seconds,
              static_cast<double>(deleted) / seconds / 1000, static_cast<double>(size_before) / 1e6,
              static_cast<double>(FileBytes(db)) / 1e6, waits.size(),
              waits.empty() ? 0 : waits[waits.size() / 2],
              waits.empty() ? 0 : waits[waits.size() * 99 / 100], waits.empty() ? 0 : waits.back());
  if (rc != 0) std::printf("\n%s\n", out.c_str());
  std::fflush(stdout);
}

// The whole process for months (issue "Lifetime"): the real binary tails a SQLite file while
// `batches` batches of 200 files through 10 stages are written back to back; at batch 1,000,
// 5,000, … the writer waits until the exporter has read everything and its RSS is read. Then one
// batch of `files` files through 3 stages, on a fresh exporter.
void ProcessMemory(int batches, int files) {
  auto run = [](const std::string& what, auto&& write, const std::vector<int>& marks) {
    TempDir dir;
    const std::string db = dir.File("events.db");
    EnsureEventTable("sqlite3://db=" + db, "batchExecutionLog");
    auto p = StartExporter(dir,
                           "pipelines:\n  - name: bench\n    database: \"sqlite3://db=" + db +
                               "\"\n    poll_interval: 100ms\n",
                           "memory.log");
    soci::session sql("sqlite3://db=" + db + " timeout=30");
    std::printf("\n## %s: the exporter's RSS\n\n| after | rows | RSS |\n|---|---|---|\n",
                what.c_str());
    for (const int mark : marks) {
      write(sql, mark);
      long long max_id = 0;
      sql << "SELECT MAX(id) FROM batchExecutionLog", soci::into(max_id);
      WaitUntil([&] { return LastEventId(p->port(), "bench") >= static_cast<double>(max_id); },
                std::chrono::seconds(900));
      std::printf("| %d | %lld | %.1f MB |\n", mark, max_id, RssKb(p->pid()) / 1024.0);
      std::fflush(stdout);
    }
    p->Terminate();
  };
  std::vector<int> marks;
  for (int m : {100, 1000, 5000, 10000, 15000, 20000}) {
    if (m <= batches) marks.push_back(m);
  }
  if (marks.empty() || marks.back() != batches) marks.push_back(batches);
  int written = 0;
  run(
      std::to_string(batches) + " batches of 200 files through 10 stages",
      [&written](soci::session& sql, int upto) {
        const std::int64_t rows = static_cast<std::int64_t>(upto - written) * 2022;
        Fill(sql, "batchExecutionLog", rows, 10, 200, written + 1);
        written = upto;
      },
      marks);
  run("one batch of " + std::to_string(files) + " files through 3 stages",
      [files](soci::session& sql, int) {
        Fill(sql, "batchExecutionLog", 3LL * (files + 2) + 2, 3, files, 1);
      },
      {1});
}

int main(int argc, char** argv) {
  bool quick = false;
  std::string only;  // replay | scrape | poll | side-by-side | endpoints; empty: all
  std::int64_t endpoint_rows = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    if (a.rfind("--only=", 0) == 0) only = a.substr(7);
    if (a.rfind("--binary=", 0) == 0) g_binary = a.substr(9);
    if (a.rfind("--rows=", 0) == 0) endpoint_rows = std::stoll(a.substr(7));
  }
  const std::vector<std::int64_t> sizes =
      quick ? std::vector<std::int64_t>{10'000}
            : std::vector<std::int64_t>{10'000, 100'000, 1'000'000};
  // The replay-to-shell ratio is defined at 1,000,000 rows (at 50,000 the exporter's own
  // start-up, ~0.2 s, is most of the time); the smoke run reads 200,000.
  if (only.empty() || only == "replay") ReplayAndMemory(quick ? 200'000 : 1'000'000);
  if (only.empty() || only == "scrape") {
    ScrapeAtScale(sizes, quick ? 100 : 1000);
    ScrapeWithWorkers(64, quick ? 100 : 1000);
  }
  if (only.empty() || only == "poll") PollCost(quick ? 150 : 500);
  if (only.empty() || only == "load") Load(quick ? 3 : 30);
  if (only.empty() || only == "endpoints") {
    EndpointScaling(10'000, endpoint_rows > 0 ? endpoint_rows : (quick ? 200'000 : 800'000),
                    quick ? 5 : 9);
  }
  if (only.empty() || only == "prune") PruneCost(quick ? 100'000 : 10'000'000);
  if (only.empty() || only == "memory") {
    ProcessMemory(quick ? 200 : 20000, quick ? 20'000 : 1'000'000);
  }
  if (only.empty() || only == "errors-index") {
    ErrorsIndex(endpoint_rows > 0 ? endpoint_rows : (quick ? 100'000 : 800'000), quick ? 3 : 9);
  }
  if (only.empty() || only == "side-by-side") return SideBySide(sizes, quick ? 2 : 10);
  return 0;
}

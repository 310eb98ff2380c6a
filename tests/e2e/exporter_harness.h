#pragma once
// The shared fixture of the end-to-end suites: a database (SQLite, or a real MariaDB or
// PostgreSQL server), a configuration file, the real exporter binary, and helpers to write
// rows as a pipeline would and to read /metrics.

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exporter/source/schema_bootstrap.h"
#include "tests/e2e/database_server.h"
#include "tests/e2e/exporter_process.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {

using std::chrono::milliseconds;
using std::chrono::seconds;

inline std::string Series(const std::string& name, const std::string& stage) {
  return name + "{pipeline=\"cofi\",pipeline_stage=\"" + stage + "\"}";
}

// Runs the real binary against one database; the test writes rows as a pipeline would.
class ExporterHarness {
 protected:
  // `extra_config` goes into the pipeline's entry, `top_config` at the top level.
  void SetUpDatabase(Backend backend, const std::string& extra_config = "",
                     const std::string& top_config = "") {
    try {
      server_ = DatabaseServer::Start(backend, sharing_);
    } catch (const std::exception& e) {
      FAIL() << BackendName(backend) << " could not be started: " << e.what();
    }
    ASSERT_NO_THROW(EnsureEventTable(server_->connect_string(), "batchExecutionLog"));
    // The exporter runs as the read-only user, as the README recommends.
    WriteConfig(server_->readonly_connect_string(), extra_config, top_config);
    sql_.open(server_->connect_string() +
              (backend == Backend::kSqlite ? std::string(" timeout=5") : std::string()));
  }

  void WriteConfig(const std::string& database, const std::string& extra,
                   const std::string& top = "") {
    std::ofstream(dir_.File("exporter.yml"))
        << top << "pipelines:\n  - name: cofi\n    database: \"" << database
        << "\"\n    poll_interval: " << poll_interval_ << "\n"
        << extra
        << "    stages:\n      - { id: denoise, title: \"Denoise\" }\n"
           "      - { id: stt, title: \"Speech to text\" }\n"
           "      - { id: llm1, title: \"LLM summary\" }\n";
  }

  // Starts the exporter and waits for its first successful poll, so that rows the test
  // writes afterwards are tailed, not replayed.
  std::unique_ptr<ExporterProcess> Start(std::vector<std::string> extra = {},
                                         bool wait_for_poll = true) {
    std::vector<std::string> args = {"--config.file=" + dir_.File("exporter.yml"),
                                     "--web.listen-address=127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = std::make_unique<ExporterProcess>(
        args, dir_.path().string(), dir_.File("exporter" + std::to_string(++runs_) + ".log"));
    EXPECT_TRUE(p->WaitReady()) << "exporter did not start:\n" << p->Log();
    EXPECT_TRUE(!wait_for_poll || WaitUntil([&] {
      return Metric(*p,
                    "pipeline_exporter_last_poll_success_timestamp_seconds{pipeline=\"cofi\"}") > 0;
    })) << "no successful poll:\n"
        << p->Log();
    return p;
  }

  static std::string Quote(const std::string& s) { return "'" + s + "'"; }

  void Insert(std::int64_t batch, const std::string& stage, const std::string& type,
              const std::string& extra_columns = "", const std::string& extra_values = "") {
    sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType" + extra_columns +
                ") VALUES (" + std::to_string(batch) + ", " +
                (stage.empty() ? std::string("NULL") : Quote(stage)) + ", " + Quote(type) +
                extra_values + ")";
  }
  void File(std::int64_t batch, const std::string& stage, const std::string& type,
            const std::string& file) {
    Insert(batch, stage, type, ", fileName", ", " + Quote(file));
  }
  std::int64_t MaxId(soci::session& sql) {
    long long id = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(id) FROM batchExecutionLog", soci::into(id, ind);
    return ind == soci::i_ok ? id : 0;
  }
  std::int64_t MaxId() { return MaxId(sql_); }

  static std::map<std::string, double> Metrics(const ExporterProcess& p) {
    const auto r = p.Get("/metrics");
    EXPECT_EQ(r.status, 200);
    return ParseMetrics(r.body);
  }
  static double Metric(const ExporterProcess& p, const std::string& series) {
    const auto m = Metrics(p);
    auto it = m.find(series);
    return it == m.end() ? std::nan("") : it->second;
  }
  // Waits until the exporter has read every row written so far.
  void WaitCaughtUp(const ExporterProcess& p, std::chrono::milliseconds timeout = seconds(15)) {
    const double want = static_cast<double>(MaxId());
    ASSERT_TRUE(WaitUntil(
        [&] { return Metric(p, "pipeline_exporter_last_event_id{pipeline=\"cofi\"}") == want; },
        timeout))
        << "exporter did not reach id " << want << "\n"
        << p.Log();
  }

  TempDir dir_;
  std::string poll_interval_ = "50ms";  // set before SetUpDatabase to change it
  std::unique_ptr<DatabaseServer> server_;
  // Sharing::kOwn for a test that stops or restarts its server (set before SetUpDatabase).
  Sharing sharing_ = Sharing::kShared;
  soci::session sql_;
  int runs_ = 0;
};

}  // namespace pipeline_exporter

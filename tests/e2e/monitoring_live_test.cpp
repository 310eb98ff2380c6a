// The shipped dashboards and rules against a real Prometheus: the exporter runs the demo on
// SQLite, Debian's Prometheus scrapes it with the project's own configuration and rules
// (ports and intervals adjusted), and every panel query of every dashboard must return at
// least one series, and every rule expression must evaluate. With exemplar storage on, the
// exemplars Prometheus keeps must lead to events of the table.

#include <gtest/gtest.h>
#include <signal.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/database_server.h"
#include "tests/e2e/exporter_process.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

struct Query {
  std::string where;  // "dashboard / panel" or "rules file / rule"
  std::string expr;
};

std::vector<Query> PanelQueries() {
  std::vector<Query> out;
  for (const auto& e : std::filesystem::directory_iterator(PE_SOURCE_DIR "/grafana/dashboards")) {
    const json d = json::parse(ReadFile(e.path().string()));
    for (const auto& panel : d["panels"]) {
      for (const auto& t : panel.value("targets", json::array())) {
        std::string expr = t["expr"];
        // Variables as Grafana would fill them for "All" and a demo stage.
        ReplaceAll(expr, "$__rate_interval", "10s");
        ReplaceAll(expr, "$job", ".*");
        ReplaceAll(expr, "$instance", ".*");
        ReplaceAll(expr, "$pipeline", ".*");
        ReplaceAll(expr, "$stage", "stt");
        out.push_back(
            {d["title"].get<std::string>() + " / " + panel["title"].get<std::string>(), expr});
      }
    }
  }
  return out;
}

std::vector<Query> RuleQueries() {
  std::vector<Query> out;
  for (const auto& e : std::filesystem::directory_iterator(PE_SOURCE_DIR "/prometheus/rules")) {
    const YAML::Node file = YAML::LoadFile(e.path().string());
    for (const auto& group : file["groups"]) {
      for (const auto& rule : group["rules"]) {
        const std::string name =
            rule["record"] ? rule["record"].as<std::string>() : rule["alert"].as<std::string>();
        out.push_back(
            {e.path().filename().string() + " / " + name, rule["expr"].as<std::string>()});
      }
    }
  }
  return out;
}

class MonitoringLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    exporter_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--web.listen-address=127.0.0.1:0", "--demo", "--demo.speed=10"},
        dir_.path().string(), dir_.File("exporter.log"));
    ASSERT_TRUE(exporter_->WaitReady()) << exporter_->Log();

    // The project's configuration, pointed at this exporter and made fast.
    std::string config = ReadFile(PE_SOURCE_DIR "/prometheus/prometheus.yml");
    prometheus_port_ = FreePort();
    ReplaceAll(config, "exporter:5066", "127.0.0.1:" + std::to_string(exporter_->port()));
    ReplaceAll(config, "localhost:9090", "127.0.0.1:" + std::to_string(prometheus_port_));
    ReplaceAll(config, "alertmanager:9093", "127.0.0.1:" + std::to_string(FreePort()));
    ReplaceAll(config, "scrape_interval: 15s", "scrape_interval: 1s");
    ReplaceAll(config, "evaluation_interval: 15s", "evaluation_interval: 1s");
    std::ofstream(dir_.File("prometheus.yml")) << config;
    std::filesystem::copy(PE_SOURCE_DIR "/prometheus/rules", dir_.File("rules"));

    prometheus_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{
            "--config.file=" + dir_.File("prometheus.yml"),
            "--storage.tsdb.path=" + dir_.File("tsdb"),
            "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_),
            // As docker-compose.yml runs it: exemplars of OpenMetrics scrapes are kept.
            "--enable-feature=exemplar-storage"},
        dir_.path().string(), dir_.File("prometheus.log"), "prometheus");
    const bool ready =
        WaitUntil([&] { return HttpGet(prometheus_port_, "/-/ready").status == 200; },
                  std::chrono::seconds(30));
    ASSERT_TRUE(ready) << "Debian's prometheus did not start (package prometheus):\n"
                       << prometheus_->Log();
  }

  void TearDown() override {
    if (prometheus_) {
      EXPECT_EQ(prometheus_->Terminate(), 0) << prometheus_->Log();
    }
    if (exporter_) {
      EXPECT_EQ(exporter_->Terminate(), 0) << exporter_->Log();
    }
  }

  // The Prometheus answer to an instant query.
  json Evaluate(const std::string& expr) {
    const auto r = HttpGet(prometheus_port_, "/api/v1/query?query=" + UrlEncode(expr));
    if (r.status == 0) return json{{"status", "error"}, {"error", "no answer"}};
    return json::parse(r.body, nullptr, false);
  }
  // /api/v1/query_exemplars over the last hour (and the next, for the demo's clock).
  json Exemplars(const std::string& expr) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto r = HttpGet(prometheus_port_, "/api/v1/query_exemplars?query=" + UrlEncode(expr) +
                                                 "&start=" + std::to_string(now - 3600) +
                                                 "&end=" + std::to_string(now + 3600));
    if (r.status != 200) return json::array();
    const json j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("data") && j["data"].is_array() ? j["data"] : json::array();
  }
  // The event behind an exemplar, from the exporter (which reads it from the table).
  json Event(const std::string& pipeline, const std::string& id) {
    const auto r = HttpGet(exporter_->port(), "/api/events/" + id + "?pipeline=" + pipeline);
    return r.status == 200 ? json::parse(r.body, nullptr, false) : json();
  }
  bool HasSeries(const std::string& expr) {
    const json j = Evaluate(expr);
    return j.is_object() && j.value("status", "") == "success" && !j["data"]["result"].empty();
  }

  TempDir dir_;
  std::unique_ptr<ExporterProcess> exporter_;
  std::unique_ptr<ExporterProcess> prometheus_;
  int prometheus_port_ = 0;
};

TEST_F(MonitoringLiveTest, EveryPanelQueryReturnsDataAndEveryRuleEvaluates) {
  ASSERT_TRUE(WaitUntil([&] { return HasSeries("up{job=\"pipeline_exporter\"} == 1"); },
                        std::chrono::seconds(60)))
      << "Prometheus never scraped the exporter:\n"
      << prometheus_->Log();

  const auto panels = PanelQueries();
  ASSERT_GE(panels.size(), 25u);
  std::vector<Query> missing;
  WaitUntil(
      [&] {
        missing.clear();
        for (const auto& q : panels) {
          if (!HasSeries(q.expr)) missing.push_back(q);
        }
        return missing.empty();
      },
      std::chrono::seconds(90));
  for (const auto& q : missing) {
    ADD_FAILURE() << "no series for " << q.where << "\n  " << q.expr << "\n  "
                  << Evaluate(q.expr).dump();
  }

  const auto rules = RuleQueries();
  EXPECT_EQ(rules.size(), 22u);
  for (const auto& q : rules) {
    const json j = Evaluate(q.expr);
    EXPECT_EQ(j.value("status", ""), "success")
        << q.where << "\n  " << q.expr << "\n  " << j.dump();
  }
  // The recording rules are loaded and evaluated by Prometheus itself.
  for (const char* recorded :
       {"pipeline_stage:status_code", "pipeline_stage:files_completed:rate5m",
        "pipeline_stage:file_duration_seconds:p95_5m",
        "pipeline:batch_deadline_timestamp_seconds"}) {
    EXPECT_TRUE(WaitUntil([&] { return HasSeries(recorded); }, std::chrono::seconds(30)))
        << recorded << "\n"
        << HttpGet(prometheus_port_, "/api/v1/rules").body;
  }
}

TEST_F(MonitoringLiveTest, ExemplarsLeadToEventsOfTheTable) {
  ASSERT_TRUE(WaitUntil([&] { return HasSeries("up{job=\"pipeline_exporter\"} == 1"); },
                        std::chrono::seconds(60)))
      << "Prometheus never scraped the exporter:\n"
      << prometheus_->Log();
  json buckets, completed;
  ASSERT_TRUE(WaitUntil(
      [&] {
        buckets = Exemplars("pipeline_file_duration_seconds_bucket");
        completed = Exemplars("pipeline_files_completed_total");
        return buckets.size() >= 3 && !completed.empty();
      },
      std::chrono::seconds(90)))
      << "no exemplars stored (OpenMetrics scrape with exemplar storage):\n"
      << prometheus_->Log();
  // The scrapes carrying them were accepted whole: the target stayed up.
  EXPECT_TRUE(HasSeries("up{job=\"pipeline_exporter\"} == 1"));

  // The histogram's bounds, as the exporter exposes them.
  std::vector<double> bounds;
  const json les = Evaluate("count by (le) (pipeline_file_duration_seconds_bucket)");
  for (const auto& s : les["data"]["result"]) {
    const std::string le = s["metric"]["le"];
    if (le != "+Inf") bounds.push_back(std::stod(le));
  }
  std::sort(bounds.begin(), bounds.end());
  ASSERT_GE(bounds.size(), 5u);

  int checked = 0;
  for (const auto& series : buckets) {
    const std::string pipeline = series["seriesLabels"]["pipeline"];
    const std::string le = series["seriesLabels"]["le"];
    const double upper = le == "+Inf" ? INFINITY : std::stod(le);
    double lower = -INFINITY;
    for (double b : bounds) {
      if (b < upper) lower = b;
    }
    for (const auto& e : series["exemplars"]) {
      const std::string id = e["labels"]["event_id"];
      const double value = std::stod(e["value"].get<std::string>());
      const json event = Event(pipeline, id);
      ASSERT_TRUE(event.is_object()) << "exemplar event " << id << " is not in the table";
      EXPECT_EQ(event["eventType"], "file_complete") << id;
      EXPECT_EQ(std::to_string(event["batchId"].get<std::int64_t>()),
                e["labels"]["batch_id"].get<std::string>());
      EXPECT_EQ(event["stage"], series["seriesLabels"]["pipeline_stage"]);
      EXPECT_LE(value, upper) << "event " << id << " in bucket le=" << le;
      EXPECT_GT(value, lower) << "event " << id << " in bucket le=" << le;
      if (event["durationMs"].is_number()) {
        EXPECT_DOUBLE_EQ(value, event["durationMs"].get<double>() / 1000.0) << id;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 3);
  for (const auto& series : completed) {
    for (const auto& e : series["exemplars"]) {
      const json event = Event(series["seriesLabels"]["pipeline"], e["labels"]["event_id"]);
      ASSERT_TRUE(event.is_object()) << e.dump();
      EXPECT_EQ(event["eventType"], "file_complete");
      EXPECT_EQ(e["value"], "1");
    }
  }
  // Never on a gauge.
  EXPECT_TRUE(Exemplars("pipeline_stage_files_processed").empty());
}

}  // namespace
}  // namespace pipeline_exporter

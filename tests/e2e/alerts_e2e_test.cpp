// Alerts and their acknowledgement against a real Alertmanager (Debian's
// prometheus-alertmanager, started here on a free port): alerts of two pipelines are posted to
// it, the exporter's GET /api/alerts lists each pipeline's own, a silence made through
// POST /api/alerts/silence exists in Alertmanager with the alert's labels as matchers and the
// signed-in user as its author, and an Alertmanager that stops leaves the rest of the API
// answering.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/database_server.h"
#include "tests/e2e/exporter_process.h"
#include "tests/fakes/bcrypt_hash.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

class AlertsE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    am_port_ = FreePort();
    std::ofstream(dir_.File("alertmanager.yml"))
        << "route:\n  receiver: none\nreceivers:\n  - name: none\n";
    alertmanager_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config.file=" + dir_.File("alertmanager.yml"),
                                 "--storage.path=" + dir_.File("am-data"),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(am_port_),
                                 "--cluster.listen-address="},
        dir_.path().string(), dir_.File("alertmanager.log"), kAlertmanager);
    ASSERT_TRUE(WaitUntil([&] { return HttpGet(am_port_, "/-/ready").status == 200; },
                          std::chrono::seconds(30)))
        << "Debian's prometheus-alertmanager did not start (package prometheus-alertmanager):\n"
        << alertmanager_->Log();

    // Two pipelines on one SQLite file; alice may sign in.
    std::ofstream(dir_.File("exporter.yml"))
        << "web:\n  alertmanager_url: \"http://127.0.0.1:" << am_port_ << "/\"\n"
        << "pipelines:\n"
        << "  - name: cofi\n    database: \"sqlite3://db=" << dir_.File("events.db") << "\"\n"
        << "  - name: docs\n    database: \"sqlite3://db=" << dir_.File("events.db") << "\"\n";
    std::ofstream(dir_.File("web.yml"))
        << "basic_auth_users:\n  alice: " << BcryptHash("s3cret") << "\n";
    exporter_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config.file=" + dir_.File("exporter.yml"),
                                 "--web.config.file=" + dir_.File("web.yml"),
                                 "--web.listen-address=127.0.0.1:0"},
        dir_.path().string(), dir_.File("exporter.log"));
    ASSERT_TRUE(exporter_->WaitReady()) << exporter_->Log();
  }

  void TearDown() override {
    if (exporter_) {
      EXPECT_EQ(exporter_->Terminate(), 0) << exporter_->Log();
    }
    if (alertmanager_) alertmanager_->Terminate();
  }

  // Posts alerts to Alertmanager as Prometheus would: [(alertname, pipeline, severity)].
  void Fire(const std::vector<std::array<std::string, 3>>& alerts) {
    json list = json::array();
    for (const auto& [name, pipeline, severity] : alerts) {
      list.push_back(
          {{"labels", {{"alertname", name}, {"pipeline", pipeline}, {"severity", severity}}},
           {"annotations", {{"summary", name + " on " + pipeline}}}});
    }
    const auto r = HttpRequestRaw(am_port_, "POST", "/api/v2/alerts", list.dump(),
                                  {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  HttpResult Alerts(const std::string& pipeline, const HeaderList& auth) {
    return exporter_->Get("/api/alerts?pipeline=" + pipeline, auth);
  }
  json AlertsJson(const std::string& pipeline) {
    const auto r = Alerts(pipeline, alice_);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  HttpResult Silence(const std::string& pipeline, const std::string& body, const HeaderList& auth) {
    HeaderList h = auth;
    h.push_back({"Content-Type", "application/json"});
    return HttpRequestRaw(exporter_->port(), "POST", "/api/alerts/silence?pipeline=" + pipeline,
                          body, h);
  }

  TempDir dir_;
  int am_port_ = 0;
  std::unique_ptr<ExporterProcess> alertmanager_;
  std::unique_ptr<ExporterProcess> exporter_;
  const HeaderList alice_ = BasicAuthHeader("alice", "s3cret");
};

TEST_F(AlertsE2ETest, EachPipelineSeesItsOwnAlertsAndSilencesOneInTheUsersName) {
  Fire({{"PipelineStalled", "cofi", "critical"},
        {"PipelineErrorRateHigh", "cofi", "warning"},
        {"PipelineStalled", "docs", "critical"}});
  EXPECT_EQ(json::parse(exporter_->Get("/api/pipelines", alice_).body)["alerts"], true);
  EXPECT_EQ(Alerts("cofi", {}).status, 401);

  const json cofi = AlertsJson("cofi");
  ASSERT_EQ(cofi["alerts"].size(), 2u) << cofi.dump();
  for (const auto& a : cofi["alerts"]) {
    EXPECT_EQ(a["labels"]["pipeline"], "cofi");
    EXPECT_EQ(a["state"], "firing");
    EXPECT_TRUE(a["silence"].is_null());
  }
  const json docs = AlertsJson("docs");
  ASSERT_EQ(docs["alerts"].size(), 1u) << docs.dump();
  EXPECT_EQ(docs["alerts"][0]["labels"]["pipeline"], "docs");
  const std::string docs_fingerprint = docs["alerts"][0]["fingerprint"];

  json stalled;
  for (const auto& a : cofi["alerts"]) {
    if (a["name"] == "PipelineStalled") stalled = a;
  }
  ASSERT_TRUE(stalled.is_object());
  EXPECT_EQ(stalled["severity"], "critical");
  EXPECT_EQ(stalled["summary"], "PipelineStalled on cofi");

  // Refusals: no user, another pipeline's alert, a bad duration.
  const std::string body = json{
      {"fingerprint", stalled["fingerprint"]},
      {"durationSeconds", 7200},
      {"comment",
       "looking at GPU 3"}}.dump();
  EXPECT_EQ(Silence("cofi", body, {}).status, 401);
  EXPECT_EQ(
      Silence("cofi", json{{"fingerprint", docs_fingerprint}, {"durationSeconds", 600}}.dump(),
              alice_)
          .status,
      404);
  EXPECT_EQ(
      Silence("cofi", json{{"fingerprint", stalled["fingerprint"]}, {"durationSeconds", 5}}.dump(),
              alice_)
          .status,
      400);

  const auto created = Silence("cofi", body, alice_);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json::parse(created.body)["silenceId"];

  // In Alertmanager: the alert's labels as equality matchers, alice as its author.
  const json silences = json::parse(HttpGet(am_port_, "/api/v2/silences").body);
  ASSERT_EQ(silences.size(), 1u) << silences.dump();
  const json& s = silences[0];
  EXPECT_EQ(s["id"], id);
  EXPECT_EQ(s["createdBy"], "alice");
  EXPECT_EQ(s["comment"], "looking at GPU 3");
  EXPECT_EQ(s["status"]["state"], "active");
  std::map<std::string, std::string> matchers;
  for (const auto& m : s["matchers"]) {
    EXPECT_EQ(m["isRegex"], false);
    EXPECT_EQ(m["isEqual"], true);
    matchers[m["name"]] = m["value"];
  }
  const auto labels = stalled["labels"].get<std::map<std::string, std::string>>();
  EXPECT_EQ(matchers, labels);

  // The page's list marks it, with who and until when; the other alert still fires.
  json marked;
  ASSERT_TRUE(WaitUntil([&] {
    const json now = AlertsJson("cofi");
    for (const auto& a : now["alerts"]) {
      if (a["fingerprint"] == stalled["fingerprint"] && a["state"] == "silenced") marked = a;
    }
    return marked.is_object();
  })) << AlertsJson("cofi").dump();
  EXPECT_EQ(marked["silence"]["createdBy"], "alice");
  EXPECT_EQ(marked["silence"]["comment"], "looking at GPU 3");
  EXPECT_EQ(marked["silence"]["endsAt"], s["endsAt"]);
  const json after = AlertsJson("cofi");
  EXPECT_EQ(after["alerts"][0]["state"], "firing");  // firing ones first
  EXPECT_EQ(AlertsJson("docs")["alerts"][0]["state"], "firing");
}

TEST_F(AlertsE2ETest, AStoppedAlertmanagerIs502AndTheRestOfThePageKeepsWorking) {
  Fire({{"PipelineStalled", "cofi", "critical"}});
  EXPECT_EQ(AlertsJson("cofi")["alerts"].size(), 1u);
  ASSERT_EQ(alertmanager_->Terminate(), 0);
  alertmanager_.reset();
  // Answers are shared for a few seconds; then the failure shows.
  HttpResult r;
  ASSERT_TRUE(WaitUntil([&] { return (r = Alerts("cofi", alice_)).status == 502; },
                        std::chrono::seconds(15)))
      << r.status << " " << r.body;
  EXPECT_EQ(json::parse(r.body)["error"], "Alertmanager is unreachable");
  EXPECT_EQ(r.body.find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(exporter_->Get("/api/current-batch?pipeline=cofi", alice_).status, 200);
  EXPECT_EQ(exporter_->Get("/metrics", alice_).status, 200);
  const auto silence =
      Silence("cofi", R"({"fingerprint": "0123456789abcdef", "durationSeconds": 600})", alice_);
  EXPECT_EQ(silence.status, 502) << silence.body;
}

}  // namespace
}  // namespace pipeline_exporter

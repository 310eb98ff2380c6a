// Batch control through the real binary on SQLite, MariaDB and PostgreSQL, the test acting as
// the pipeline: a request → its row in batchControl → the pipeline's acknowledgement → the
// state in the API, the metrics and the stream; every refusal; and a table created by
// migration 001 alone, still tailed.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/exporter_harness.h"
#include "tests/fakes/bcrypt_hash.h"
#include "tests/fakes/sse_client.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

class ControlE2ETest : public ExporterHarness, public ::testing::TestWithParam<Backend> {
 protected:
  // The exporter's read-only user may insert into the control table only (README).
  void GrantControl() {
    if (GetParam() == Backend::kMariaDb) {
      sql_ << "GRANT INSERT ON batchControl TO 'exporter'@'%'";
    } else if (GetParam() == Backend::kPostgres) {
      sql_ << "GRANT INSERT ON batchControl TO exporter";
      sql_ << "GRANT USAGE ON SEQUENCE batchcontrol_id_seq TO exporter";
    }
  }
  HttpResult Control(const ExporterProcess& p, std::int64_t batch, const std::string& body,
                     const std::string& token = "c0ntrol") {
    HeaderList h = {{"Content-Type", "application/json"}};
    if (!token.empty()) h.push_back({"Authorization", "Bearer " + token});
    return HttpRequestRaw(p.port(), "POST", "/api/batch/" + std::to_string(batch) + "/control",
                          body, h);
  }
  std::string Status(const ExporterProcess& p) {
    const auto r = p.Get("/api/current-batch");
    const json j = json::parse(r.body, nullptr, false);
    return j.is_object() && j["batch"].is_object() ? j["batch"]["status"].get<std::string>() : "";
  }
  // The pipeline's side, as the README gives it: the requests of its batch after the last it
  // handled, oldest first.
  std::vector<std::pair<long long, std::string>> Pending(long long batch, long long after) {
    soci::rowset<soci::row> rs =
        (sql_.prepare << "SELECT id, action FROM batchControl WHERE batchId = :b AND id > :a "
                         "ORDER BY id",
         soci::use(batch), soci::use(after));
    std::vector<std::pair<long long, std::string>> out;
    for (const soci::row& r : rs) {
      const long long id = r.get_properties(0).get_data_type() == soci::dt_integer
                               ? r.get<int>(0)
                               : r.get<long long>(0);
      out.emplace_back(id, r.get<std::string>(1));
    }
    return out;
  }
};

INSTANTIATE_TEST_SUITE_P(AllDatabases, ControlE2ETest,
                         ::testing::Values(Backend::kSqlite, Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

TEST_P(ControlE2ETest, PauseResumeAndCancelWithThePipelineAcknowledging) {
  SetUpDatabase(GetParam(), "", "control:\n  enabled: true\n  token: c0ntrol\n");
  GrantControl();
  auto p = Start();
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 4");
  WaitCaughtUp(*p);
  SseClient stream(p->port(), "/api/stream");
  ASSERT_EQ(stream.NextEvent()->event, "snapshot");

  // Refusals: no token, a wrong one, a bad action, an action that does not fit.
  EXPECT_EQ(Control(*p, 1, R"({"action": "pause"})", "").status, 401);
  EXPECT_EQ(Control(*p, 1, R"({"action": "pause"})", "nope").status, 401);
  EXPECT_EQ(Control(*p, 1, R"({"action": "halt"})").status, 400);
  EXPECT_EQ(Control(*p, 1, R"({"action": "resume"})").status, 409);
  EXPECT_EQ(Control(*p, 2, R"({"action": "pause"})").status, 404);

  // Pause: the row, then "pausing" everywhere until the pipeline acknowledges.
  auto r = Control(*p, 1, R"({"action": "pause", "reason": "GPU 3 too hot"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const json row = json::parse(r.body);
  EXPECT_EQ(row["requestedBy"], "token");
  EXPECT_EQ(row["reason"], "GPU 3 too hot");
  // Migration 004 records where the request came from; SQLite files get it from the exporter,
  // the servers here have 002 only, and the row simply has no address.
  if (GetParam() == Backend::kSqlite) {
    EXPECT_EQ(row["requestedFrom"], "127.0.0.1");
  } else {
    EXPECT_TRUE(row["requestedFrom"].is_null()) << row;
  }
  EXPECT_TRUE(WaitUntil([&] { return Status(*p) == "pausing"; })) << Status(*p);
  bool streamed = false;
  for (int i = 0; i < 20 && !streamed; ++i) {
    const auto m = stream.NextEvent(seconds(5));
    ASSERT_TRUE(m);
    streamed = m->event == "batch" && json::parse(m->data)["batch"]["status"] == "pausing";
  }
  EXPECT_TRUE(streamed) << "no batch message with pausing";
  EXPECT_EQ(Metric(*p, "pipeline_batch_control_requests_total{pipeline=\"cofi\",action=\"pause\"}"),
            1);
  EXPECT_EQ(Metric(*p, "pipeline_batch_status{pipeline=\"cofi\",status=\"pausing\"}"), 1);
  EXPECT_EQ(Control(*p, 1, R"({"action": "pause"})").status, 409);

  long long handled = 0;
  auto pending = Pending(1, handled);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].second, "pause");
  handled = pending[0].first;
  Insert(1, "", "batch_paused");
  EXPECT_TRUE(WaitUntil([&] { return Status(*p) == "paused"; })) << Status(*p);

  // Resume, then cancel: stages still processing are canceled with the batch.
  ASSERT_EQ(Control(*p, 1, R"({"action": "resume"})").status, 202);
  pending = Pending(1, handled);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].second, "resume");
  handled = pending[0].first;
  Insert(1, "", "batch_resumed");
  EXPECT_TRUE(WaitUntil([&] { return Status(*p) == "running"; })) << Status(*p);
  ASSERT_EQ(Control(*p, 1, R"({"action": "cancel", "reason": "wrong input"})").status, 202);
  EXPECT_TRUE(WaitUntil([&] { return Status(*p) == "canceling"; })) << Status(*p);
  Insert(1, "", "batch_canceled");
  EXPECT_TRUE(WaitUntil([&] { return Status(*p) == "canceled"; })) << Status(*p);
  const json stats = json::parse(p->Get("/api/batch/1/stats").body);
  EXPECT_EQ(stats["stages"][1]["status"], "canceled");
  ASSERT_EQ(stats["batch"]["control"].size(), 3u);
  EXPECT_EQ(stats["batch"]["control"][2]["reason"], "wrong input");
  EXPECT_EQ(Control(*p, 1, R"({"action": "cancel"})").status, 409);

  // After a restart the state is the same: the requests were answered.
  p->Terminate();
  p = Start();
  WaitCaughtUp(*p);
  EXPECT_EQ(Status(*p), "canceled");
}

// Under a web config with users: the control token still works (a cron job has no browser
// user) and is recorded under its name; a user's request works; a browser's cross-site request
// carrying the user's credentials is refused and writes nothing; every action is audited.
TEST_P(ControlE2ETest, TheTokenBesideUsersCrossOriginRefusalsAndTheAuditTrail) {
  SetUpDatabase(GetParam(), "",
                "control:\n  enabled: true\n  token: c0ntrol\n  token_name: nightly-cron\n");
  if (GetParam() != Backend::kSqlite) {
    ASSERT_NO_THROW(ApplyMigration(server_->connect_string(), 4, "batchExecutionLog"));
  }
  GrantControl();
  std::ofstream(dir_.File("web.yml"))
      << "basic_auth_users:\n  alice: " << BcryptHash("s3cret") << "\n";
  auto p = Start({"--web.config.file=" + dir_.File("web.yml")}, /*wait_for_poll=*/false);
  const HeaderList alice = BasicAuthHeader("alice", "s3cret");
  ASSERT_TRUE(WaitUntil([&] { return p->Get("/api/health", alice).status == 200; }));
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 4");
  const auto status = [&] {
    const json j = json::parse(p->Get("/api/current-batch", alice).body, nullptr, false);
    return j.is_object() && j["batch"].is_object() ? j["batch"]["status"].get<std::string>() : "";
  };
  ASSERT_TRUE(WaitUntil([&] { return status() == "running"; })) << status();
  const std::string path = "/api/batch/1/control";
  const auto rows = [&] {
    long long n = 0;
    sql_ << "SELECT COUNT(*) FROM batchControl", soci::into(n);
    return n;
  };

  // The token, with users configured: 202, recorded under the token's name.
  auto r = Control(*p, 1, R"({"action": "pause", "reason": "nightly window"})");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json::parse(r.body)["requestedBy"], "nightly-cron");
  EXPECT_EQ(json::parse(r.body)["requestedFrom"], "127.0.0.1");
  EXPECT_EQ(Control(*p, 1, R"({"action": "cancel"})", "wrong").status, 401);

  // A page elsewhere, with alice's cached credentials: a form POST and a fetch.
  HeaderList form = alice;
  form.push_back({"Content-Type", "text/plain"});
  form.push_back({"Origin", "http://evil.example"});
  form.push_back({"Sec-Fetch-Site", "cross-site"});
  EXPECT_EQ(HttpRequestRaw(p->port(), "POST", path, R"({"action":"cancel","x":"="})", form).status,
            403);
  HeaderList old_browser = alice;  // no Sec-Fetch-Site: the Origin decides
  old_browser.push_back({"Content-Type", "application/json"});
  old_browser.push_back({"Origin", "http://evil.example"});
  EXPECT_EQ(HttpRequestRaw(p->port(), "POST", path, R"({"action":"cancel"})", old_browser).status,
            403);
  HeaderList plain = alice;
  plain.push_back({"Content-Type", "text/plain"});
  EXPECT_EQ(HttpRequestRaw(p->port(), "POST", path, R"({"action":"cancel"})", plain).status, 415);
  EXPECT_EQ(rows(), 1);

  // alice from the page itself (same origin): 202 under her name.
  HeaderList page = alice;
  page.push_back({"Content-Type", "application/json"});
  page.push_back({"Sec-Fetch-Site", "same-origin"});
  page.push_back({"Origin", "http://127.0.0.1:" + std::to_string(p->port())});
  r = HttpRequestRaw(p->port(), "POST", path, R"({"action": "cancel", "reason": "bad input"})",
                     page);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json::parse(r.body)["requestedBy"], "alice");
  EXPECT_EQ(rows(), 2);

  // The audit trail: the rows, the log, the counter; the page's history names both.
  ASSERT_TRUE(WaitUntil([&] {
    const json j = json::parse(p->Get("/api/batch/1/stats", alice).body, nullptr, false);
    return j.is_object() && j["batch"]["control"].size() == 2;
  }));
  const json control = json::parse(p->Get("/api/batch/1/stats", alice).body)["batch"]["control"];
  EXPECT_EQ(control[0]["requestedBy"], "nightly-cron");
  EXPECT_EQ(control[1]["requestedBy"], "alice");
  EXPECT_EQ(control[1]["requestedFrom"], "127.0.0.1");
  const std::string log = p->Log();
  EXPECT_NE(log.find("msg=\"audit\" pipeline=\"cofi\" action=\"cancel\" actor=\"alice\" "
                     "from=\"127.0.0.1\" target=\"1\""),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("action=\"pause\" actor=\"nightly-cron\""), std::string::npos);
  EXPECT_EQ(log.find("c0ntrol"), std::string::npos) << "the token's secret is in the log";
  const auto metrics = p->Get("/metrics", alice).body;
  const auto value = [&](const std::string& series) {
    const auto at = metrics.find(series + " ");
    return at == std::string::npos ? -1 : std::stod(metrics.substr(at + series.size() + 1));
  };
  EXPECT_EQ(value("pipeline_exporter_control_actions_total{pipeline=\"cofi\",action=\"pause\","
                  "actor=\"nightly-cron\"}"),
            1);
  EXPECT_EQ(value("pipeline_exporter_control_actions_total{pipeline=\"cofi\",action=\"cancel\","
                  "actor=\"alice\"}"),
            1);
  EXPECT_EQ(value("pipeline_exporter_http_cross_origin_refused_total{reason=\"sec_fetch_site\"}"),
            1);
  EXPECT_EQ(value("pipeline_exporter_http_cross_origin_refused_total{reason=\"origin\"}"), 1);
  EXPECT_EQ(value("pipeline_exporter_http_cross_origin_refused_total{reason=\"content_type\"}"), 1);
}

TEST_P(ControlE2ETest, ControlOffAndATableOfMigration001Alone) {
  SetUpDatabase(GetParam());
  if (GetParam() != Backend::kSqlite) {
    // As an operator who applied 001 only (SQLite files are brought up to date by the exporter).
    sql_ << "DROP TABLE batchControl";
    sql_ << "ALTER TABLE batchExecutionLog DROP COLUMN subStage";
  }
  auto p = Start();
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 4");
  WaitCaughtUp(*p);
  EXPECT_EQ(Status(*p), "running");
  EXPECT_EQ(Control(*p, 1, R"({"action": "pause"})").status, 403);
  EXPECT_EQ(json::parse(p->Get("/api/pipelines").body)["control"], false);
}

}  // namespace
}  // namespace pipeline_exporter

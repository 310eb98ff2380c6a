// The JSON API and the event stream through the real binary and a real SQLite file:
// every endpoint, bad parameters, pagination edges, ingest, and SSE at the protocol level.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "tests/e2e/exporter_harness.h"
#include "tests/fakes/bcrypt_hash.h"
#include "tests/fakes/sse_client.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

constexpr const char* kTop =
    "web:\n  max_sse_clients: 3\n  sse_heartbeat: 200ms\ningest:\n  enabled: true\n  token: "
    "t0ken\n";

class ApiTest : public ExporterHarness, public ::testing::Test {
 protected:
  void SetUp() override { SetUpDatabase(Backend::kSqlite, "", kTop); }

  json GetJson(const ExporterProcess& p, const std::string& target, int want_status = 200) {
    const auto r = p.Get(target);
    EXPECT_EQ(r.status, want_status) << target << "\n" << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/json") << target;
    return json::parse(r.body, nullptr, false);
  }
  HttpResult Post(const ExporterProcess& p, const std::string& body,
                  const std::string& token = "t0ken") {
    HeaderList h = {{"Content-Type", "application/json"}};
    if (!token.empty()) h.push_back({"Authorization", "Bearer " + token});
    return HttpRequestRaw(p.port(), "POST", "/api/events", body, h);
  }
  std::int64_t RowCount() {
    long long n = 0;
    sql_ << "SELECT COUNT(*) FROM batchExecutionLog", soci::into(n);
    return n;
  }
  // Five batches of 12 files in stage stt, 2 errors each.
  void WriteBatches() {
    for (int b = 1; b <= 5; ++b) {
      Insert(b, "", "batch_start", ", totalFiles", ", 12");
      Insert(b, "stt", "stage_start", ", totalFiles", ", 12");
      for (int f = 0; f < 12; ++f) {
        if (f % 6 == 5) {
          Insert(b, "stt", "error", ", fileName, errorMessage",
                 ", 'f" + std::to_string(f) + ".wav', 'timeout after " + std::to_string(1000 + f) +
                     " ms'");
        } else {
          File(b, "stt", "file_complete", "f" + std::to_string(f) + ".wav");
        }
      }
      Insert(b, "stt", "stage_complete", ", processedFiles, failedFiles", ", 10, 2");
      Insert(b, "", "batch_complete");
    }
  }
};

TEST_F(ApiTest, PipelinesAndCurrentBatch) {
  auto p = Start();
  WriteBatches();
  WaitCaughtUp(*p);
  const json pipelines = GetJson(*p, "/api/pipelines");
  ASSERT_EQ(pipelines["pipelines"].size(), 1u);
  EXPECT_EQ(pipelines["pipelines"][0]["name"], "cofi");
  EXPECT_EQ(pipelines["pipelines"][0]["stages"][1]["id"], "stt");
  EXPECT_EQ(pipelines["pipelines"][0]["stages"][1]["title"], "Speech to text");
  EXPECT_EQ(pipelines["pipelines"][0]["stages"][1]["order"], 1);
  EXPECT_EQ(pipelines["ingest"], true);

  const json cur = GetJson(*p, "/api/current-batch?pipeline=cofi");
  EXPECT_EQ(cur["batch"]["id"], 5);
  EXPECT_EQ(cur["batch"]["status"], "complete");
  EXPECT_EQ(cur["stages"][1]["status"], "complete");
  EXPECT_EQ(cur["stages"][1]["processed"], 10);
  EXPECT_EQ(cur["stages"][1]["failed"], 2);
  EXPECT_EQ(cur["stages"][0]["status"], "pending");
  EXPECT_TRUE(cur["stages"][0]["progress"].is_null());  // NaN is null in JSON
  EXPECT_EQ(GetJson(*p, "/api/current-batch?pipeline=nope", 404)["error"], "unknown pipeline");
}

TEST_F(ApiTest, BatchHistoryPagesWithoutGapsOrRepeats) {
  auto p = Start();
  WriteBatches();
  WaitCaughtUp(*p);
  std::vector<std::int64_t> seen;
  std::string target = "/api/batches?limit=2";
  for (int page = 0; page < 5; ++page) {
    const json r = GetJson(*p, target);
    for (const auto& b : r["batches"]) seen.push_back(b["id"]);
    if (r["nextBefore"].is_null()) break;
    target = "/api/batches?limit=2&before=" + std::to_string(r["nextBefore"].get<std::int64_t>());
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{5, 4, 3, 2, 1}));
  const json one = GetJson(*p, "/api/batches?limit=1");
  EXPECT_EQ(one["batches"][0]["status"], "complete");
  // Sums of the stages' figures, as the fold has them (integers, not 10.0).
  EXPECT_EQ(one["batches"][0]["filesProcessed"].dump(), "10");
  EXPECT_EQ(one["batches"][0]["filesFailed"], 2);
  EXPECT_EQ(one["batches"][0]["files"], 12);
  EXPECT_EQ(one["batches"][0]["stages"][0]["id"], "stt");
  EXPECT_EQ(one["batches"][0]["stages"][0]["processed"], 10);
  EXPECT_EQ(one["nextBefore"], one["batches"][0]["runStartId"]);
  EXPECT_TRUE(GetJson(*p, "/api/batches?before=1")["batches"].empty());
  for (const char* bad :
       {"/api/batches?limit=0", "/api/batches?limit=abc", "/api/batches?limit=501",
        "/api/batches?before=-1", "/api/batches?before=1%20OR%201=1"}) {
    const json e = GetJson(*p, bad, 400);
    EXPECT_NE(e["error"].get<std::string>().find("invalid parameter"), std::string::npos) << bad;
  }
}

TEST_F(ApiTest, LogsFilterSearchAndPaginate) {
  auto p = Start();
  WriteBatches();
  WaitCaughtUp(*p);
  // Keyset pagination over batch 3: every event exactly once, newest first.
  std::vector<std::int64_t> ids;
  std::string target = "/api/batch/3/logs?limit=4";
  for (int page = 0; page < 20; ++page) {
    const json r = GetJson(*p, target);
    for (const auto& e : r["events"]) ids.push_back(e["id"]);
    if (r["nextBeforeId"].is_null()) break;
    target = "/api/batch/3/logs?limit=4&before_id=" +
             std::to_string(r["nextBeforeId"].get<std::int64_t>());
  }
  ASSERT_EQ(ids.size(), 16u);
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), ids.size());

  const json errors = GetJson(*p, "/api/batch/3/logs?type=error");
  EXPECT_EQ(errors["events"].size(), 2u);
  EXPECT_TRUE(errors["events"][0]["errorMessage"].get<std::string>().rfind("timeout after", 0) ==
              0);
  EXPECT_FALSE(errors["events"][0].contains("requestPayload"));
  EXPECT_EQ(GetJson(*p, "/api/batch/3/logs?stage=stt&q=F11.WAV")["events"].size(), 1u);  // any case
  EXPECT_EQ(GetJson(*p, "/api/batch/3/logs?q=TIMEOUT")["events"].size(), 2u);
  // Search text is data, never SQL or a LIKE pattern.
  EXPECT_TRUE(GetJson(*p, "/api/batch/3/logs?q=%27%20OR%201%3D1%20--")["events"].empty());
  EXPECT_TRUE(GetJson(*p, "/api/batch/3/logs?q=%25")["events"].empty());
  EXPECT_TRUE(
      GetJson(*p,
              "/api/batch/3/logs?stage=%27%3B%20DROP%20TABLE%20batchExecutionLog%3B--")["events"]
          .empty());
  EXPECT_EQ(RowCount(), 5 * 16);
  GetJson(*p, "/api/batch/3/logs?type=exploded", 400);
  GetJson(*p, "/api/batch/3/logs?limit=1001", 400);
  GetJson(*p, "/api/batch/3/logs?before_id=x", 400);
  GetJson(*p, "/api/batch/abc/logs", 400);
  GetJson(*p, "/api/batch/3/nothing", 404);
}

TEST_F(ApiTest, InvalidRowsAreFlaggedInTheLog) {
  auto p = Start();
  Insert(1, "stt", "stage_exploded");
  WaitCaughtUp(*p);
  const json r = GetJson(*p, "/api/batch/1/logs");
  ASSERT_EQ(r["events"].size(), 1u);
  EXPECT_EQ(r["events"][0]["invalid"], "unknown_event_type");
}

TEST_F(ApiTest, ErrorsAreGroupedByStageAndNormalisedMessage) {
  auto p = Start();
  WriteBatches();
  Insert(3, "stt", "stage_failed", ", errorMessage", ", 'worker 7 lost'");
  WaitCaughtUp(*p);
  const json r = GetJson(*p, "/api/batch/3/errors");
  ASSERT_EQ(r["groups"].size(), 2u);
  EXPECT_EQ(r["groups"][0]["message"], "timeout after N ms");  // two messages, numbers differ
  EXPECT_EQ(r["groups"][0]["count"], 2);
  EXPECT_EQ(r["groups"][0]["stage"], "stt");
  EXPECT_EQ(r["groups"][1]["message"], "worker N lost");
  const json sample = GetJson(
      *p, "/api/events/" + std::to_string(r["groups"][0]["sampleEventId"].get<std::int64_t>()));
  EXPECT_EQ(sample["eventType"], "error");
}

TEST_F(ApiTest, OneEventWithPayloadsCappedAndFlagged) {
  auto p = Start();
  const std::string big(300 * 1024, 'x');
  sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName, requestPayload, "
          "response) "
          "VALUES (1, 'stt', 'file_complete', 'a.wav', '{\"model\":\"whisper\"}', :r)",
      soci::use(big);
  WaitCaughtUp(*p);
  const json e = GetJson(*p, "/api/events/1");
  EXPECT_EQ(e["requestPayload"]["text"], "{\"model\":\"whisper\"}");
  EXPECT_EQ(e["requestPayload"]["truncated"], false);
  EXPECT_EQ(e["response"]["truncated"], true);
  EXPECT_EQ(e["response"]["length"], big.size());
  EXPECT_EQ(e["response"]["text"].get<std::string>().size(), 256u * 1024);
  EXPECT_EQ(GetJson(*p, "/api/events/99", 404)["error"], "no such event");
  GetJson(*p, "/api/events/0", 400);
  // Traversal never reaches a file: civetweb normalises the path, no route matches.
  const auto traversal = p->Get("/api/events/..%2F..%2F..%2Fetc%2Fpasswd");
  EXPECT_GE(traversal.status, 400);
  EXPECT_LT(traversal.status, 500);
  EXPECT_EQ(traversal.Header("content-type"), "application/json");
  EXPECT_EQ(traversal.body.find("root:"), std::string::npos);
}

TEST_F(ApiTest, StatsAndExportOfAPastBatch) {
  auto p = Start();
  WriteBatches();
  WaitCaughtUp(*p);
  const json stats = GetJson(*p, "/api/batch/2/stats");
  EXPECT_EQ(stats["batch"]["id"], 2);
  EXPECT_EQ(stats["stages"][1]["processed"], 10);
  EXPECT_EQ(stats["stages"][1]["failed"], 2);
  EXPECT_EQ(stats["stages"][1]["status"], "complete");
  GetJson(*p, "/api/batch/99/stats", 404);
  const auto r = p->Get("/api/batch/2/export");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.Header("content-disposition").find("batch-2.json"), std::string::npos);
  const json ex = json::parse(r.body);
  EXPECT_EQ(ex["batchId"], 2);
  EXPECT_EQ(ex["events"].size(), 16u);
  EXPECT_EQ(ex["stats"]["stages"][1]["processed"], 10);
}

TEST_F(ApiTest, IngestIsAllOrNothingAndTokenProtected) {
  auto p = Start();
  const std::string one =
      R"({"batchId": 7, "stage": "stt", "eventType": "file_complete", "fileName": "a.wav", "response": {"text": "hi"}})";
  EXPECT_EQ(Post(*p, one, "").status, 401);
  EXPECT_EQ(Post(*p, one, "wrong").status, 401);
  EXPECT_EQ(RowCount(), 0);
  const auto ok = Post(*p, "[" + one + "," + one + "]");
  ASSERT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["ids"], json::array({1, 2}));
  EXPECT_EQ(RowCount(), 2);
  EXPECT_EQ(GetJson(*p, "/api/events/1")["response"]["text"], "{\"text\":\"hi\"}");

  const auto bad = Post(
      *p,
      "[" + one +
          R"(, {"batchId": 7, "eventType": "nope"}, {"batchId": "x"}, {"batchId": 1, "eventType": "info", "colour": 1}])");
  ASSERT_EQ(bad.status, 400) << bad.body;
  const json detail = json::parse(bad.body)["detail"];
  ASSERT_EQ(detail.size(), 3u);
  EXPECT_EQ(detail[0]["index"], 1);
  EXPECT_EQ(detail[0]["error"], "unknown_event_type");
  EXPECT_EQ(detail[1]["index"], 2);
  EXPECT_NE(detail[2]["error"].get<std::string>().find("colour"), std::string::npos);
  EXPECT_EQ(RowCount(), 2);  // nothing of the bad request was stored
  EXPECT_EQ(Post(*p, "not json").status, 400);
  EXPECT_EQ(Post(*p, "[]").status, 400);
  EXPECT_EQ(Post(*p, std::string(2 << 20, ' ')).status, 413);
  EXPECT_EQ(p->Get("/api/events").status, 405);
}

TEST_F(ApiTest, StreamStartsWithSnapshotThenEventsInOrderWithHeartbeats) {
  auto p = Start();
  Insert(1, "stt", "stage_start", ", totalFiles", ", 3");
  WaitCaughtUp(*p);
  SseClient s(p->port(), "/api/stream?pipeline=cofi");
  ASSERT_EQ(s.response().status, 200);
  EXPECT_EQ(s.response().Header("content-type"), "text/event-stream");
  EXPECT_EQ(s.response().Header("cache-control"), "no-cache");
  EXPECT_EQ(s.response().Header("x-accel-buffering"), "no");
  const auto retry = s.Next();
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->retry, "3000");
  const auto snap = s.NextEvent();
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->event, "snapshot");
  EXPECT_EQ(snap->id, "1");
  EXPECT_EQ(json::parse(snap->data)["stages"][1]["total"], 3);
  for (int f = 0; f < 3; ++f) File(1, "stt", "file_complete", "f" + std::to_string(f));
  // The rows in order, each burst followed by the state it led to; then, as nothing more
  // happens, heartbeats (200 ms in this configuration) keep the stream open.
  int rows = 0;
  std::optional<json> stt;
  for (;;) {
    const auto m = s.Next(seconds(3));
    ASSERT_TRUE(m);
    if (m->comment == "ping") break;
    if (m->event == "stage") {
      const json d = json::parse(m->data);
      EXPECT_EQ(d["batchId"], 1);
      if (d["id"] == "stt") stt = d;
      continue;
    }
    if (m->event == "batch") continue;
    ASSERT_EQ(m->event, "file_complete");
    EXPECT_EQ(m->id, std::to_string(2 + rows));
    const json data = json::parse(m->data);
    EXPECT_EQ(data["fileName"], "f" + std::to_string(rows));
    EXPECT_FALSE(data.contains("requestPayload"));
    ++rows;
    stt.reset();  // a state message follows every burst
  }
  EXPECT_EQ(rows, 3);
  ASSERT_TRUE(stt) << "no stage message after the last row";
  EXPECT_EQ((*stt)["processed"], 3);
  EXPECT_EQ((*stt)["total"], 3);
  EXPECT_EQ((*stt)["status"], "processing");
}

TEST_F(ApiTest, ResumeAfterADroppedConnectionHasNoGapAndNoDuplicate) {
  auto p = Start();
  for (int f = 0; f < 5; ++f) File(1, "stt", "file_complete", "a" + std::to_string(f));
  WaitCaughtUp(*p);
  std::string last;
  {
    SseClient s(p->port(), "/api/stream");
    last = s.NextEvent()->id;  // the snapshot: id 5
  }                            // connection dropped
  for (int f = 0; f < 4; ++f) File(1, "stt", "file_complete", "b" + std::to_string(f));  // ids 6..9
  WaitCaughtUp(*p);
  SseClient resumed(p->port(), "/api/stream", {{"Last-Event-ID", last}});
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    const auto ev = resumed.NextEvent();
    ASSERT_TRUE(ev);
    ids.push_back(ev->id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"6", "7", "8", "9"}));
  // Then the state those rows led to: the batch and each stage.
  const auto batch = resumed.NextEvent();
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->event, "batch");
  File(1, "stt", "file_complete", "c0");  // id 10, live
  const auto live = resumed.NextRow();
  ASSERT_TRUE(live);
  EXPECT_EQ(live->id, "10");
  // Junk ids get a fresh snapshot instead.
  SseClient junk(p->port(), "/api/stream?last_event_id=abc%0D%0Aevent:%20x");
  EXPECT_EQ(junk.NextEvent()->event, "snapshot");
}

TEST_F(ApiTest, ClientCapAnswers503) {
  auto p = Start();
  SseClient a(p->port(), "/api/stream"), b(p->port(), "/api/stream"), c(p->port(), "/api/stream");
  ASSERT_EQ(c.response().status, 200);
  ASSERT_TRUE(WaitUntil([&] { return Metric(*p, "pipeline_exporter_sse_clients") == 3; }));
  SseClient d(p->port(), "/api/stream");
  EXPECT_EQ(d.response().status, 503);
  EXPECT_EQ(d.response().Header("content-type"), "application/json");
}

TEST_F(ApiTest, IngestedEventReachesStreamsWithoutWaitingForThePoll) {
  // A poll interval far longer than the test: only the ingest's nudge can deliver in time.
  {
    std::string cfg;
    std::ifstream in(dir_.File("exporter.yml"));
    std::getline(in, cfg, '\0');
    cfg.replace(cfg.find("poll_interval: 50ms"), 19, "poll_interval: 1m");
    std::ofstream(dir_.File("exporter.yml")) << cfg;
  }
  auto p = Start();
  SseClient s(p->port(), "/api/stream");
  ASSERT_EQ(s.NextEvent()->event, "snapshot");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(
      Post(*p, R"({"batchId": 1, "stage": "stt", "eventType": "stage_start", "totalFiles": 4})")
          .status,
      202);
  const auto ev = s.NextRow(seconds(5));
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->event, "stage_start");
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(2));
}

TEST_F(ApiTest, AStalledReaderIsDroppedWhileOthersKeepReceiving) {
  auto p = Start();
  SseClient stalled(p->port(), "/api/stream");
  SseClient active(p->port(), "/api/stream");
  ASSERT_EQ(active.NextEvent()->event, "snapshot");
  // 12,000 events, ~700 bytes each on the wire: far beyond a socket buffer and the
  // per-client queue, for the reader that never reads.
  const std::string message(400, 'm');
  for (int chunk = 0; chunk < 12; ++chunk) {
    std::string body = "[";
    for (int i = 0; i < 1000; ++i) {
      body += std::string(i ? "," : "") +
              R"({"batchId": 1, "stage": "stt", "eventType": "warning", "errorMessage": ")" +
              message + "\"}";
    }
    ASSERT_EQ(Post(*p, body + "]").status, 202);
  }
  int received = 0;
  while (received < 12000) {
    const auto ev = active.NextRow(seconds(10));
    ASSERT_TRUE(ev) << "the active client stopped receiving after " << received;
    ++received;
  }
  EXPECT_EQ(received, 12000);
}

TEST_F(ApiTest, EveryStreamEndsOnShutdown) {
  auto p = Start();
  SseClient s(p->port(), "/api/stream");
  ASSERT_EQ(s.NextEvent()->event, "snapshot");
  std::chrono::milliseconds took{};
  EXPECT_EQ(p->Terminate(&took), 0);
  EXPECT_LT(took, seconds(2));
  EXPECT_FALSE(s.Next(seconds(2)));
  EXPECT_TRUE(s.closed());
}

// "user:hash" lines from Apache's htpasswd, as a user would make them (bcrypt, cost 10).
std::string Htpasswd(const std::string& user, const std::string& password) {
  std::string out;
  const int rc = RunCommand("htpasswd -nbBC 10 " + user + " " + password, &out);
  EXPECT_NE(rc, 127) << "htpasswd is not installed (Debian package apache2-utils): " << out;
  EXPECT_EQ(rc, 0) << out;
  const auto colon = out.find(':');
  const auto end = out.find_first_of("\r\n", colon);
  return colon == std::string::npos ? "" : out.substr(colon + 1, end - colon - 1);
}

TEST_F(ApiTest, BasicAuthWithHtpasswdHashesCoversEveryPath) {
  const std::string alice_hash = Htpasswd("alice", "s3cret");
  ASSERT_EQ(alice_hash.rfind("$2y$10$", 0), 0u) << alice_hash;
  std::ofstream(dir_.File("web.yml")) << "basic_auth_users:\n  alice: " << alice_hash
                                      << "\n  bob: " << Htpasswd("bob", "hunter2") << "\n";
  auto p = Start({"--web.config.file=" + dir_.File("web.yml")}, /*wait_for_poll=*/false);
  const HeaderList alice = BasicAuthHeader("alice", "s3cret");
  const HeaderList bob = BasicAuthHeader("bob", "hunter2");
  for (const char* path :
       {"/", "/static/app.js", "/metrics", "/api/health", "/api/pipelines", "/api/current-batch",
        "/api/batches", "/api/batch/1/logs", "/api/events/1", "/nope"}) {
    SCOPED_TRACE(path);
    const auto missing = p->Get(path);
    EXPECT_EQ(missing.status, 401);
    EXPECT_NE(missing.Header("www-authenticate").find("Basic"), std::string::npos);
    EXPECT_NE(p->Get(path, alice).status, 401);
    EXPECT_NE(p->Get(path, bob).status, 401);
  }
  // Wrong password, unknown user, a password of another user, malformed credentials.
  for (const HeaderList& wrong :
       {BasicAuthHeader("alice", "s3cre"), BasicAuthHeader("alice", "s3cret "),
        BasicAuthHeader("mallory", "s3cret"), BasicAuthHeader("alice", "hunter2"),
        HeaderList{{"Authorization", "Basic YWxpY2U="}},  // "alice": no colon
        HeaderList{{"Authorization", "Basic !!!"}}, HeaderList{{"Authorization", "Bearer s3cret"}},
        HeaderList{{"Authorization", ""}}}) {
    EXPECT_EQ(p->Get("/api/pipelines", wrong).status, 401) << wrong[0].second;
  }
  SseClient denied(p->port(), "/api/stream");
  EXPECT_EQ(denied.response().status, 401);
  SseClient allowed(p->port(), "/api/stream", alice);
  EXPECT_EQ(allowed.response().status, 200);
}

TEST_F(ApiTest, BasicAuthCoversEveryPathAndCanLeaveMetricsOpen) {
  std::ofstream(dir_.File("web.yml")) << "basic_auth_users:\n  alice: " << BcryptHash("s3cret", 10)
                                      << "\nmetrics_without_auth: true\n";
  auto p = Start({"--web.config.file=" + dir_.File("web.yml")});  // polls are seen on /metrics
  const HeaderList alice = BasicAuthHeader("alice", "s3cret");
  for (const char* path : {"/", "/static/app.js", "/api/health", "/api/pipelines",
                           "/api/current-batch", "/api/batches", "/api/events/1", "/nope"}) {
    EXPECT_EQ(p->Get(path).status, 401) << path;
    EXPECT_NE(p->Get(path, alice).status, 401) << path;
  }
  EXPECT_EQ(p->Get("/metrics").status, 200);
  SseClient denied(p->port(), "/api/stream");
  EXPECT_EQ(denied.response().status, 401);
  SseClient allowed(p->port(), "/api/stream", alice);
  EXPECT_EQ(allowed.response().status, 200);
  EXPECT_EQ(Post(*p, "{}", "").status, 401);
}

TEST_F(ApiTest, AMissingCertificateStopsStartUpNamingIt) {
  std::ofstream(dir_.File("tls.yml"))
      << "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n";
  ExporterProcess p(
      {"--config.file=" + dir_.File("exporter.yml"), "--web.config.file=" + dir_.File("tls.yml"),
       "--web.listen-address=127.0.0.1:0"},
      dir_.path().string(), dir_.File("tls.log"));
  const auto code = p.WaitUntilExited(seconds(10));
  ASSERT_TRUE(code) << p.Log();
  EXPECT_NE(*code, 0);
  EXPECT_NE(p.Log().find("tls_server_config.cert_file a.crt"), std::string::npos) << p.Log();
}

}  // namespace
}  // namespace pipeline_exporter

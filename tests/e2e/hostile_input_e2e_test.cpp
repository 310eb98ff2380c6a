// Hostile input through the real binary and the real databases (SPEC §8): rows whose every
// text column carries markup, CR/LF meant to forge SSE fields, bare CR, U+2028, invalid
// UTF-8, NUL and 10 MB, and requests with SQL in parameters, junk Last-Event-ID, huge
// headers and bodies, path traversal and both Content-Length and chunked. Expected: the
// exporter stays up, every good row is still counted, the scrape passes promtool, no stream
// message is forged, and nothing of the table changes.

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "exporter/util/utf8.h"
#include "tests/e2e/exporter_harness.h"
#include "tests/fakes/sse_client.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

constexpr const char* kHostileTop = "ingest:\n  enabled: true\n  token: t0ken\n";

struct Hostile {
  const char* name;
  std::string text;
};

std::vector<Hostile> HostileTexts() {
  return {
      {"html", "<script>window.__pwned=1</script><img src=x onerror=alert(1)>"},
      {"crlf", "x\r\n\r\nevent: forged\r\ndata: {\"id\":1}\r\n\r\nid: 999"},
      {"bare_cr", "a\rb\revent: forged"},
      {"lf", "a\n\nevent: forged\ndata: x\n\n"},
      {"u2028", "line\xE2\x80\xA8sep\xE2\x80\xA9para"},
      {"invalid_utf8", "bad\xFF\xFE\xC0\xAF"},
      {"nul", std::string("nul\0byte", 8)},
      {"quotes", "'\"\\'); DROP TABLE batchExecutionLog;--"},
  };
}

const std::set<std::string>& StreamNames() {
  static const std::set<std::string> kNames = {"snapshot",    "batch_start",    "batch_complete",
                                               "stage_start", "stage_progress", "stage_complete",
                                               "file_start",  "file_complete",  "error"};
  return kNames;
}

class HostileInputTest : public ExporterHarness, public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { SetUpDatabase(GetParam(), "", kHostileTop); }

  // Inserts one row with every text value bound as a parameter. Returns false when the
  // database refuses the row (MySQL and PostgreSQL refuse invalid UTF-8; PostgreSQL NUL).
  bool InsertRow(std::int64_t batch, const std::string& stage, const std::string& type,
                 const std::string* file, const std::string* message = nullptr,
                 const std::string* payload = nullptr, bool also_response = true) {
    soci::indicator file_ind = file ? soci::i_ok : soci::i_null;
    soci::indicator message_ind = message ? soci::i_ok : soci::i_null;
    soci::indicator payload_ind = payload ? soci::i_ok : soci::i_null;
    soci::indicator response_ind = payload && also_response ? soci::i_ok : soci::i_null;
    const std::string empty;
    long long b = batch;
    try {
      sql_ << "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName, errorMessage, "
              "requestPayload, response) VALUES (:b, :s, :t, :f, :m, :p, :r)",
          soci::use(b), soci::use(stage), soci::use(type),
          soci::use(file ? *file : empty, file_ind),
          soci::use(message ? *message : empty, message_ind),
          soci::use(payload ? *payload : empty, payload_ind),
          soci::use(payload && also_response ? *payload : empty, response_ind);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  // The text the database actually stored in the newest row (PostgreSQL's client library
  // ends a parameter at the first NUL, for one).
  std::string Stored(const std::string& column) {
    std::string v;
    soci::indicator ind = soci::i_null;
    long long id = MaxId();
    sql_ << "SELECT " + column + " FROM batchExecutionLog WHERE id = :id", soci::into(v, ind),
        soci::use(id);
    return ind == soci::i_ok ? v : std::string();
  }

  std::string PromtoolCheck(const std::string& text) {
    return PromtoolCheckMetrics(text, dir_.File("scrape.prom"));
  }
};

INSTANTIATE_TEST_SUITE_P(AllDatabases, HostileInputTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMariaDb, Backend::kPostgres),
                         [](const auto& info) { return BackendName(info.param); });

TEST_P(HostileInputTest, HostileRowsAreContainedAndGoodRowsStillCount) {
  auto p = Start();
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 1000");
  WaitCaughtUp(*p);
  SseClient stream(p->port(), "/api/stream");
  ASSERT_EQ(stream.response().status, 200);
  ASSERT_EQ(stream.NextEvent()->event, "snapshot");

  int good = 0, processed = 0, failed = 0, refused = 0;
  std::map<std::string, int> invalid;              // reason → rows
  std::map<std::int64_t, std::string> file_names;  // id → fileName written
  auto good_row = [&] {
    const std::string f = "good-" + std::to_string(good++) + ".wav";
    ASSERT_TRUE(InsertRow(1, "stt", "file_complete", &f));
    ++processed;
  };
  int k = 0;
  for (const auto& h : HostileTexts()) {
    SCOPED_TRACE(h.name);
    const std::string tag = std::to_string(k++);
    good_row();
    const std::string file = "f" + tag + "-" + h.text;
    if (InsertRow(1, "stt", "file_complete", &file)) {
      ++processed;
      file_names[MaxId()] = Stored("fileName");
    } else {
      ++refused;
    }
    const std::string failed_file = "e" + tag;
    if (InsertRow(1, "stt", "error", &failed_file, &h.text, &h.text)) {
      ++failed;
    } else {
      ++refused;
    }
    // The text as a stage name: valid only when it is printable UTF-8 of at most 64 bytes.
    const std::string stage = h.text.substr(0, 60);
    if (InsertRow(1, stage, "stage_start", nullptr)) {
      const std::string stored = Stored("stage");
      if (!IsValidUtf8(stored)) {
        ++invalid["invalid_utf8"];
      } else if (stored.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
        ++invalid["invalid_stage"];
      }
    } else {
      ++refused;
    }
    // The text as an event type.
    if (InsertRow(1, "stt", h.text.substr(0, 30), nullptr)) {
      ++invalid["unknown_event_type"];
    } else {
      ++refused;
    }
  }
  // 10 MB payloads and error message (MySQL's TEXT column holds 64 KB: 60,000 bytes there).
  const std::string huge(10 << 20, 'Z');
  const std::string message = GetParam() == Backend::kMariaDb ? std::string(60000, 'M') : huge;
  const std::string big_file = "big.wav";
  ASSERT_TRUE(InsertRow(1, "stt", "error", &big_file, &message, &huge, /*also_response=*/false));
  const std::int64_t big_id = MaxId();
  ++failed;
  good_row();
  if (GetParam() == Backend::kSqlite) {
    EXPECT_EQ(refused, 0) << "SQLite stores any bytes";
  }

  WaitCaughtUp(*p, seconds(30));
  ASSERT_EQ(p->Get("/api/health").status, 200) << p->Log();

  // Every good row counted, exactly; the scrape passes promtool.
  const auto scrape = p->Get("/metrics");
  ASSERT_EQ(scrape.status, 200);
  EXPECT_EQ(PromtoolCheck(scrape.body), "");
  EXPECT_TRUE(IsValidUtf8(scrape.body));
  auto m = ParseMetrics(scrape.body);
  EXPECT_EQ(m[Series("pipeline_stage_files_processed", "stt")], processed);
  EXPECT_EQ(m[Series("pipeline_stage_files_failed", "stt")], failed);
  for (const auto& [reason, n] : invalid) {
    EXPECT_EQ(
        m["pipeline_exporter_invalid_events_total{pipeline=\"cofi\",reason=\"" + reason + "\"}"], n)
        << reason;
  }

  // The stream: only closed-set names, integer ids in order, one JSON line of data each, the
  // text carried intact inside the JSON (repaired only where it was not UTF-8).
  const std::int64_t last = MaxId();
  std::int64_t previous = 0;
  std::set<std::int64_t> seen;
  while (previous < last) {
    const auto ev = stream.NextRow(seconds(10));
    ASSERT_TRUE(ev) << "stream stopped after id " << previous;
    EXPECT_TRUE(StreamNames().count(ev->event)) << "forged event name: " << ev->event;
    ASSERT_FALSE(ev->id.empty());
    ASSERT_EQ(ev->id.find_first_not_of("0123456789"), std::string::npos) << ev->id;
    const std::int64_t id = std::stoll(ev->id);
    EXPECT_GT(id, previous);
    previous = id;
    seen.insert(id);
    const json data = json::parse(ev->data, nullptr, false);
    ASSERT_FALSE(data.is_discarded()) << ev->data.substr(0, 200);
    EXPECT_EQ(data["id"], id);
    if (auto it = file_names.find(id); it != file_names.end()) {
      if (IsValidUtf8(it->second)) {
        EXPECT_EQ(data["fileName"], it->second);
      } else {
        EXPECT_NE(data["fileName"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
      }
    }
    if (id == big_id) {
      // One cap for the stream, the resume and the log (kListErrorCap).
      EXPECT_EQ(data["errorMessage"].get<std::string>().size(), 2000u);
    }
  }
  for (const auto& [id, name] : file_names) EXPECT_TRUE(seen.count(id)) << "missing id " << id;

  // The log shows every row, flagged where invalid; the big payload is capped when served.
  const auto logs = p->Get("/api/batch/1/logs?limit=1000");
  ASSERT_EQ(logs.status, 200);
  const json events = json::parse(logs.body)["events"];
  long long rows = 0;
  sql_ << "SELECT COUNT(*) FROM batchExecutionLog", soci::into(rows);
  EXPECT_EQ(static_cast<long long>(events.size()), rows);
  const auto one = p->Get("/api/events/" + std::to_string(big_id));
  ASSERT_EQ(one.status, 200);
  EXPECT_LT(one.body.size(), 2u << 20);
  const json full = json::parse(one.body);
  EXPECT_TRUE(full["requestPayload"]["truncated"].get<bool>());
  EXPECT_EQ(full["requestPayload"]["length"], huge.size());
  EXPECT_LE(full["requestPayload"]["text"].get<std::string>().size(), 256u * 1024);
}

TEST_P(HostileInputTest, HostileRequestsAreRefusedAndChangeNothing) {
  auto p = Start();
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 3");
  File(1, "stt", "file_complete", "a.wav");
  WaitCaughtUp(*p);
  long long rows_before = 0;
  sql_ << "SELECT COUNT(*) FROM batchExecutionLog", soci::into(rows_before);

  // SQL in parameters is data: it matches nothing and runs nothing.
  for (const char* target :
       {"/api/batch/1/logs?q=%27%20OR%20%271%27%3D%271",
        "/api/batch/1/logs?stage=stt%27%20OR%20%271%27%3D%271",
        "/api/batch/1/logs?stage=x%27%3B%20DROP%20TABLE%20batchExecutionLog%3B--",
        "/api/batch/1/logs?q=%25%27%3B%20DELETE%20FROM%20batchExecutionLog%3B--"}) {
    const auto r = p->Get(target);
    ASSERT_EQ(r.status, 200) << target << "\n" << r.body;
    EXPECT_EQ(json::parse(r.body)["events"].size(), 0u) << target;
  }
  EXPECT_EQ(p->Get("/api/current-batch?pipeline=cofi%27--").status, 404);
  EXPECT_EQ(p->Get("/api/batch/1%20OR%201=1/logs").status, 400);
  EXPECT_EQ(p->Get("/api/batches?before=1%3BDROP").status, 400);
  EXPECT_EQ(p->Get("/api/batch/1/logs?type=file_complete%27%20OR%201=1").status, 400);

  // Junk Last-Event-ID: a fresh snapshot, never a resume from a made-up position.
  for (const char* junk :
       {"-1", "0", "99999999999999999999", "1 OR 1=1", "\xEF\xBC\x91", "\xFF", "1e3", "0x10"}) {
    SseClient s(p->port(), "/api/stream", {{"Last-Event-ID", junk}});
    ASSERT_EQ(s.response().status, 200) << junk;
    const auto first = s.NextEvent();
    ASSERT_TRUE(first) << junk;
    EXPECT_EQ(first->event, "snapshot") << junk;
  }

  // Huge headers and bodies get an error status (or a closed connection), nothing more.
  const std::string big_header(100 * 1024, 'h');
  const auto r1 = p->Get("/api/pipelines", {{"X-Big", big_header}});
  EXPECT_TRUE(r1.status == 0 || r1.status == 400 || r1.status == 413 || r1.status == 431)
      << r1.status;
  HeaderList many;
  for (int i = 0; i < 200; ++i) many.push_back({"X-H" + std::to_string(i), "v"});
  const auto r2 = p->Get("/api/pipelines", many);
  EXPECT_TRUE(r2.status == 0 || r2.status == 200 || r2.status == 400 || r2.status == 431)
      << r2.status;
  const auto r3 = HttpRequestRaw(
      p->port(), "POST", "/api/events", std::string(20 << 20, '['),
      {{"Authorization", "Bearer t0ken"}, {"Content-Type", "application/json"}}, 20000);
  EXPECT_TRUE(r3.status == 0 || r3.status == 413) << r3.status;

  // Path traversal reaches no file of the machine.
  for (const char* target :
       {"/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2f..%2fetc%2fpasswd", "/static/..%5c..%5c..%5cetc%5cpasswd",
        "/static/%252e%252e/etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd"}) {
    const auto r = p->Get(target);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << target << " → " << r.status;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
  }

  // Content-Length and chunked together: refused, and the smuggled request is not served.
  const std::string smuggle =
      "POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t0ken\r\n"
      "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n"
      "\r\n0\r\n\r\nGET /api/pipelines HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  const auto r4 = HttpSendBytes(p->port(), smuggle, 5000, /*until_closed=*/true);
  EXPECT_EQ(r4.status, 400) << r4.body;
  EXPECT_NE(r4.body.find("ambiguous request length"), std::string::npos) << r4.body;
  EXPECT_EQ(r4.body.find("HTTP/1.1"), std::string::npos) << "a second response: " << r4.body;
  EXPECT_EQ(r4.body.find("\"pipelines\""), std::string::npos) << r4.body;

  // Still up, the table untouched.
  EXPECT_EQ(p->Get("/api/health").status, 200) << p->Log();
  long long rows_after = 0;
  sql_ << "SELECT COUNT(*) FROM batchExecutionLog", soci::into(rows_after);
  EXPECT_EQ(rows_after, rows_before);
  EXPECT_EQ(PromtoolCheck(p->Get("/metrics").body), "");
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/http/api_handler.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "exporter/core/event_validator.h"
#include "exporter/core/pipeline_state.h"
#include "exporter/http/api_json.h"
#include "exporter/http/api_params.h"

namespace pipeline_exporter {
namespace {

HttpResponse JsonOk(const Json& body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = Dump(body);
  return r;
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Error messages that differ only in numbers (ids, sizes, times) are one kind of error.
std::string Normalise(const std::string& message) {
  std::string out;
  bool in_number = false;
  bool in_space = false;
  for (std::size_t i = 0; i < message.size() && out.size() < 200; ++i) {
    const char c = message[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (!in_number) out += "N";
      in_number = true;
      in_space = false;
      continue;
    }
    in_number = false;
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!in_space && !out.empty()) out += ' ';
      in_space = true;
      continue;
    }
    in_space = false;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Compares without returning early, so the time taken does not reveal the token.
bool ConstantTimeEquals(const std::string& given, const std::string& expected) {
  unsigned diff = given.size() != expected.size() ? 1 : 0;
  const std::size_t n = std::max(given.size(), expected.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char a = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    const unsigned char b = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
    diff |= a ^ b;
  }
  return diff == 0 && !expected.empty();
}

const std::set<std::string>& IngestFields() {
  static const std::set<std::string> kFields = {
      "batchId",        "stage",       "eventType",  "fileName",       "gpuIp",    "totalFiles",
      "processedFiles", "failedFiles", "durationMs", "requestPayload", "response", "errorMessage"};
  return kFields;
}

}  // namespace

void ApiHandler::Register(HttpServer& server) {
  server.Handle("/api/pipelines", [this](const HttpRequest& r) { return Pipelines(r); });
  server.Handle("/api/current-batch", [this](const HttpRequest& r) { return CurrentBatch(r); });
  server.Handle("/api/batches", [this](const HttpRequest& r) { return Batches(r); });
  server.HandlePrefix("/api/batch/", [this](const HttpRequest& r) { return Batch(r); });
  server.Handle("/api/events", [this](const HttpRequest& r) { return Events(r); });
  server.HandlePrefix("/api/events/", [this](const HttpRequest& r) { return Events(r); });
  server.HandleStream("/api/stream", [this](const HttpRequest& r, HttpStream& s) { Stream(r, s); });
}

const ApiPipeline* ApiHandler::Resolve(const HttpRequest& r, HttpResponse* error) const {
  const auto name = r.Param("pipeline");
  if (!name || name->empty()) {
    if (pipelines_.size() == 1) return &pipelines_.front();
    *error = BadParam("pipeline", "required: more than one pipeline is configured");
    return nullptr;
  }
  for (const auto& p : pipelines_) {
    if (p.store->name() == *name) return &p;
  }
  *error = HttpResponse::JsonError(404, "unknown pipeline", *name);
  return nullptr;
}

HttpResponse ApiHandler::Pipelines(const HttpRequest& r) const {
  if (r.method != "GET") return HttpResponse::JsonError(405, "method not allowed", "use GET");
  Json list = Json::array();
  for (const auto& p : pipelines_) {
    const PipelineSnapshot snap = p.store->Snapshot();
    Json stages = Json::array();
    for (std::size_t i = 0; i < snap.stages.size(); ++i) {
      stages.push_back({{"id", snap.stages[i].id}, {"title", snap.stages[i].title}, {"order", i}});
    }
    list.push_back({{"name", snap.name}, {"stages", std::move(stages)}});
  }
  Json body;
  body["pipelines"] = std::move(list);
  body["grafanaUrl"] = options_.grafana_url.empty() ? Json(nullptr) : Json(options_.grafana_url);
  body["ingest"] = options_.ingest_enabled;
  return JsonOk(body);
}

HttpResponse ApiHandler::CurrentBatch(const HttpRequest& r) const {
  if (r.method != "GET") return HttpResponse::JsonError(405, "method not allowed", "use GET");
  HttpResponse error;
  const ApiPipeline* p = Resolve(r, &error);
  if (!p) return error;
  return JsonOk(SnapshotJson(p->store->Snapshot()));
}

HttpResponse ApiHandler::Batches(const HttpRequest& r) const {
  if (r.method != "GET") return HttpResponse::JsonError(405, "method not allowed", "use GET");
  HttpResponse error;
  const ApiPipeline* p = Resolve(r, &error);
  if (!p) return error;
  const auto before = IdParam(r, "before", &error);
  const std::size_t limit = LimitParam(r, 20, 500, &error);
  if (error.status != 200) return error;
  Json list = Json::array();
  const auto batches = p->queries->Batches(before, limit);
  for (const auto& b : batches) list.push_back(BatchSummaryJson(b));
  Json body;
  body["batches"] = std::move(list);
  body["nextBefore"] = batches.size() == limit ? Json(batches.back().batch_id) : Json(nullptr);
  return JsonOk(body);
}

HttpResponse ApiHandler::Batch(const HttpRequest& r) const {
  if (r.method != "GET") return HttpResponse::JsonError(405, "method not allowed", "use GET");
  // /api/batch/{id}/{what}
  const std::string rest = r.path.substr(std::string("/api/batch/").size());
  const auto slash = rest.find('/');
  const auto batch_id = ParsePositiveId(rest.substr(0, slash));
  const std::string what = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!batch_id) return HttpResponse::JsonError(400, "invalid batch id", rest.substr(0, slash));
  HttpResponse error;
  const ApiPipeline* p = Resolve(r, &error);
  if (!p) return error;

  if (what == "stats") {
    // Derived from the log by the same rules as the gauges, for any batch still stored.
    const auto events = p->queries->BatchEvents(*batch_id);
    if (events.empty())
      return HttpResponse::JsonError(404, "no such batch", std::to_string(*batch_id));
    PipelineState state(p->store->spec());
    for (const auto& e : events) state.Apply(e);
    PipelineSnapshot snap = state.Snapshot(NowMs());
    snap.tail = p->store->Snapshot().tail;
    return JsonOk(SnapshotJson(snap));
  }
  if (what == "logs") {
    const auto f = LogFilterParams(r, *batch_id, &error);
    if (!f) return error;
    Json list = Json::array();
    const auto rows = p->queries->Logs(*f);
    for (const auto& row : rows) list.push_back(EventJson(row.event, row.error_message));
    Json body;
    body["events"] = std::move(list);
    body["nextBeforeId"] = rows.size() == f->limit ? Json(rows.back().event.id) : Json(nullptr);
    return JsonOk(body);
  }
  if (what == "errors") {
    struct Group {
      std::string stage, message;
      std::int64_t count = 0, first_ms = INT64_MAX, last_ms = 0, sample_id = INT64_MAX;
    };
    std::map<std::pair<std::string, std::string>, Group> groups;
    for (const auto& e : p->queries->Errors(*batch_id)) {
      Group& g = groups[{e.stage, Normalise(e.message)}];
      g.stage = e.stage;
      g.message = Normalise(e.message);
      g.count += e.count;
      g.first_ms = std::min(g.first_ms, e.first_ms);
      g.last_ms = std::max(g.last_ms, e.last_ms);
      g.sample_id = std::min(g.sample_id, e.sample_id);
    }
    std::vector<Group> sorted;
    for (auto& [k, g] : groups) sorted.push_back(g);
    std::sort(sorted.begin(), sorted.end(), [](const Group& a, const Group& b) {
      return a.count != b.count ? a.count > b.count : a.sample_id < b.sample_id;
    });
    Json list = Json::array();
    for (const auto& g : sorted) {
      list.push_back({{"stage", g.stage.empty() ? Json(nullptr) : Json(g.stage)},
                      {"message", g.message},
                      {"count", g.count},
                      {"firstSeen", IsoTime(g.first_ms)},
                      {"lastSeen", IsoTime(g.last_ms)},
                      {"sampleEventId", g.sample_id}});
    }
    return JsonOk(Json{{"batchId", *batch_id}, {"groups", std::move(list)}});
  }
  if (what == "export") {
    const auto events = p->queries->ExportBatch(*batch_id, options_.payload_cap);
    if (events.empty())
      return HttpResponse::JsonError(404, "no such batch", std::to_string(*batch_id));
    PipelineState state(p->store->spec());
    Json list = Json::array();
    for (const auto& e : events) {
      state.Apply(e.row.event);
      list.push_back(FullEventJson(e));
    }
    Json body;
    body["pipeline"] = p->store->name();
    body["batchId"] = *batch_id;
    body["exportedAt"] = IsoTime(NowMs());
    body["stats"] = SnapshotJson(state.Snapshot(NowMs()));
    body["events"] = std::move(list);
    HttpResponse resp = JsonOk(body);
    resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"batch-" +
                                                         std::to_string(*batch_id) + ".json\"");
    return resp;
  }
  return HttpResponse::JsonError(404, "not found", r.path);
}

HttpResponse ApiHandler::Events(const HttpRequest& r) const {
  HttpResponse error;
  if (r.path == "/api/events") {
    if (r.method != "POST") return HttpResponse::JsonError(405, "method not allowed", "use POST");
    const ApiPipeline* p = Resolve(r, &error);
    if (!p) return error;
    return Ingest(r, *p);
  }
  if (r.method != "GET") return HttpResponse::JsonError(405, "method not allowed", "use GET");
  const std::string raw = r.path.substr(std::string("/api/events/").size());
  const auto id = ParsePositiveId(raw);
  if (!id) return HttpResponse::JsonError(400, "invalid event id", raw);
  const ApiPipeline* p = Resolve(r, &error);
  if (!p) return error;
  const auto event = p->queries->Event(*id, options_.payload_cap);
  if (!event) return HttpResponse::JsonError(404, "no such event", raw);
  return JsonOk(FullEventJson(*event));
}

HttpResponse ApiHandler::Ingest(const HttpRequest& r, const ApiPipeline& p) const {
  if (!options_.ingest_enabled || !p.writer) {
    return HttpResponse::JsonError(403, "ingest is disabled",
                                   "set ingest.enabled: true in the configuration");
  }
  if (!options_.ingest_token.empty()) {
    const std::string auth = r.Header("authorization").value_or("");
    if (auth.rfind("Bearer ", 0) != 0 ||
        !ConstantTimeEquals(auth.substr(7), options_.ingest_token)) {
      HttpResponse resp =
          HttpResponse::JsonError(401, "unauthorized", "send Authorization: Bearer <token>");
      resp.headers.emplace_back("WWW-Authenticate", "Bearer");
      return resp;
    }
  }
  const auto body = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return HttpResponse::JsonError(400, "the body is not valid JSON");
  const Json items = body.is_array() ? body : Json::array({body});
  if (items.empty()) return HttpResponse::JsonError(400, "no events in the body");
  if (items.size() > options_.max_ingest_items) {
    return HttpResponse::JsonError(413, "too many events",
                                   "at most " + std::to_string(options_.max_ingest_items));
  }
  Json errors = Json::array();
  std::vector<EventRow> rows;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Json& item = items[i];
    auto fail = [&](const std::string& why) { errors.push_back({{"index", i}, {"error", why}}); };
    if (!item.is_object()) {
      fail("must be an object");
      continue;
    }
    std::string unknown;
    for (const auto& [k, v] : item.items()) {
      if (!IngestFields().count(k)) unknown += (unknown.empty() ? "" : ", ") + k;
    }
    if (!unknown.empty()) {
      fail("unknown field(s): " + unknown);
      continue;
    }
    EventRow row;
    bool ok = true;
    auto text = [&](const char* k, std::optional<std::string>& out) {
      if (!item.contains(k) || item[k].is_null()) return;
      if (!item[k].is_string()) {
        fail(std::string(k) + " must be a string");
        ok = false;
        return;
      }
      out = item[k].get<std::string>();
    };
    auto number = [&](const char* k, std::optional<std::int64_t>& out) {
      if (!item.contains(k) || item[k].is_null()) return;
      if (!item[k].is_number_integer()) {
        fail(std::string(k) + " must be a whole number");
        ok = false;
        return;
      }
      out = item[k].get<std::int64_t>();
    };
    auto payload = [&](const char* k, std::optional<std::string>& out) {
      if (!item.contains(k) || item[k].is_null()) return;
      out = item[k].is_string() ? item[k].get<std::string>() : Dump(item[k]);
    };
    if (!item.contains("batchId") || !item["batchId"].is_number_integer()) {
      fail("batchId is required and must be a whole number");
      continue;
    }
    row.batch_id = item["batchId"].get<std::int64_t>();
    if (!item.contains("eventType") || !item["eventType"].is_string()) {
      fail("eventType is required and must be a string");
      continue;
    }
    row.event_type = item["eventType"].get<std::string>();
    text("stage", row.stage);
    text("fileName", row.file_name);
    text("gpuIp", row.gpu_ip);
    text("errorMessage", row.error_message);
    number("totalFiles", row.total_files);
    number("processedFiles", row.processed_files);
    number("failedFiles", row.failed_files);
    number("durationMs", row.duration_ms);
    payload("requestPayload", row.request_payload);
    payload("response", row.response);
    if (!ok) continue;
    if (const auto v = ValidateEvent(AsStageEvent(row, 0, NowMs())); v.reason) {
      fail(std::string(InvalidReasonName(*v.reason)));
      continue;
    }
    rows.push_back(std::move(row));
  }
  if (!errors.empty()) {
    HttpResponse resp;
    resp.status = 400;
    resp.content_type = "application/json";
    resp.body = Dump(Json{{"error", "invalid events: nothing was stored"}, {"detail", errors}});
    return resp;
  }
  std::vector<std::int64_t> ids;
  try {
    ids = p.writer->Insert(rows);
  } catch (const std::exception& e) {
    return HttpResponse::JsonError(503, "the database did not store the events", e.what());
  }
  if (p.nudge) p.nudge();
  return JsonOk(Json{{"ids", ids}}, 202);
}

void ApiHandler::Stream(const HttpRequest& r, HttpStream& out) const {
  HttpResponse error;
  const ApiPipeline* p = Resolve(r, &error);
  if (!p) {
    out.Respond(error);
    return;
  }
  auto client = hub_.Subscribe(p->store->name());
  if (!client) {
    HttpResponse busy = HttpResponse::JsonError(503, "too many event streams", "try again later");
    busy.headers.emplace_back("Retry-After", "3");
    out.Respond(busy);
    return;
  }
  struct Leave {
    SseHub& hub;
    std::shared_ptr<SseHub::Client> client;
    ~Leave() { hub.Unsubscribe(client); }
  } leave{hub_, client};

  if (!out.Begin(200, {{"Content-Type", "text/event-stream"},
                       {"Cache-Control", "no-cache"},
                       {"X-Accel-Buffering", "no"}})) {
    return;
  }
  if (!out.Write("retry: 3000\n\n")) return;

  // Resume from Last-Event-ID when it is a valid id; anything else gets a snapshot.
  std::optional<std::int64_t> last_id;
  if (auto h = r.Header("last-event-id")) last_id = ParsePositiveId(*h);
  if (!last_id) {
    if (auto q = r.Param("last_event_id")) last_id = ParsePositiveId(*q);
  }
  std::set<std::int64_t> replayed;
  bool need_snapshot = !last_id;
  if (last_id) {
    try {
      const auto rows = p->queries->EventsAfter(*last_id, options_.max_resume_events + 1);
      if (rows.size() > options_.max_resume_events) {
        need_snapshot = true;  // too far behind: start again from the state
      } else {
        for (const auto& row : rows) {
          if (ValidateEvent(row.event).reason) continue;
          replayed.insert(row.event.id);
          if (!out.Write(SseMessage(row.event.id, row.event.event_type,
                                    Dump(EventJson(row.event, row.error_message))))) {
            return;
          }
        }
      }
    } catch (const std::exception&) {
      need_snapshot = true;
    }
  }
  if (need_snapshot) {
    const PipelineSnapshot snap = p->store->Snapshot();
    if (!out.Write(SseMessage(snap.tail.last_event_id, "snapshot", Dump(SnapshotJson(snap)))))
      return;
  }

  for (;;) {
    bool ended = false;
    const auto messages = client->Next(options_.heartbeat_ms, &ended);
    if (ended) return;
    if (messages.empty()) {
      if (!out.Write(": ping\n\n")) return;
      continue;
    }
    for (const auto& m : messages) {
      if (replayed.count(m.id)) continue;
      if (!out.Write(m.text)) return;
    }
  }
}

}  // namespace pipeline_exporter

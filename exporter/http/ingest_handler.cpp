#include "exporter/http/ingest_handler.h"

#include <set>

#include "exporter/core/fold/event_validator.h"
#include "exporter/http/api_json.h"
#include "exporter/http/bearer_token.h"

namespace pipeline_exporter {
namespace {

const std::set<std::string>& IngestFields() {
  static const std::set<std::string> kFields = {
      "batchId",    "stage",          "eventType",   "fileName",   "gpuIp",
      "totalFiles", "processedFiles", "failedFiles", "durationMs", "requestPayload",
      "response",   "errorMessage",   "subStage"};
  return kFields;
}

// One item of the body as a row, or the reason it is not one.
std::optional<StageEvent> ReadItem(const Json& item, std::string* why) {
  if (!item.is_object()) {
    *why = "must be an object";
    return std::nullopt;
  }
  std::string unknown;
  for (const auto& [k, v] : item.items()) {
    if (!IngestFields().count(k)) unknown += (unknown.empty() ? "" : ", ") + k;
  }
  if (!unknown.empty()) {
    *why = "unknown field(s): " + unknown;
    return std::nullopt;
  }
  if (!item.contains("batchId") || !item["batchId"].is_number_integer()) {
    *why = "batchId is required and must be a whole number";
    return std::nullopt;
  }
  if (!item.contains("eventType") || !item["eventType"].is_string()) {
    *why = "eventType is required and must be a string";
    return std::nullopt;
  }
  StageEvent row;
  row.batch_id = item["batchId"].get<std::int64_t>();
  row.event_type = item["eventType"].get<std::string>();
  auto present = [&item](const char* k) { return item.contains(k) && !item[k].is_null(); };
  auto text = [&](const char* k, std::optional<std::string>& out) {
    if (!present(k)) return true;
    if (!item[k].is_string()) {
      *why = std::string(k) + " must be a string";
      return false;
    }
    out = item[k].get<std::string>();
    return true;
  };
  auto number = [&](const char* k, std::optional<std::int64_t>& out) {
    if (!present(k)) return true;
    if (!item[k].is_number_integer()) {
      *why = std::string(k) + " must be a whole number";
      return false;
    }
    out = item[k].get<std::int64_t>();
    return true;
  };
  auto payload = [&](const char* k, std::optional<CappedText>& out) {
    if (present(k))
      out = WholeText(item[k].is_string() ? item[k].get<std::string>() : Dump(item[k]));
  };
  std::optional<std::string> stage;
  if (!text("stage", stage) || !text("fileName", row.file_name) || !text("gpuIp", row.gpu_ip) ||
      !text("subStage", row.sub_stage) || !text("errorMessage", row.error_message) ||
      !number("totalFiles", row.total_files) || !number("processedFiles", row.processed_files) ||
      !number("failedFiles", row.failed_files) || !number("durationMs", row.duration_ms)) {
    return std::nullopt;
  }
  row.stage = stage.value_or("");
  payload("requestPayload", row.request_payload);
  payload("response", row.response);
  if (row.event_type == "batch_start" && row.request_payload) {
    row.batch_metadata = row.request_payload->text;
  }
  return row;
}

}  // namespace

HttpResponse IngestHandler::Post(const HttpRequest& r) const {
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) return error;
  if (!options_.enabled || !p->appender) {
    return HttpResponse::JsonError(403, "ingest is disabled",
                                   "set ingest.enabled: true in the configuration");
  }
  if (!BearerTokenMatches(r, options_.token)) return BearerChallenge();
  const auto body = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return HttpResponse::JsonError(400, "the body is not valid JSON");
  const Json items = body.is_array() ? body : Json::array({body});
  if (items.empty()) return HttpResponse::JsonError(400, "no events in the body");
  if (items.size() > options_.max_items) {
    return HttpResponse::JsonError(413, "too many events",
                                   "at most " + std::to_string(options_.max_items));
  }
  Json errors = Json::array();
  std::vector<StageEvent> rows;
  const std::int64_t now = clock_.Now();
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string why;
    auto row = ReadItem(items[i], &why);
    if (row) {
      // Checked as the fold will read it back: with an id and the database's time.
      row->id = 1;
      row->timestamp_ms = now;
      if (const auto v = ValidateEvent(*row); v.reason) {
        why = std::string(InvalidReasonName(*v.reason));
        row.reset();
      }
    }
    if (!row) {
      errors.push_back({{"index", i}, {"error", why}});
      continue;
    }
    rows.push_back(std::move(*row));
  }
  if (!errors.empty()) {
    HttpResponse resp = JsonResponse(
        Dump(Json{{"error", "invalid events: nothing was stored"}, {"detail", errors}}), 400);
    return resp;
  }
  std::vector<std::int64_t> ids;
  try {
    ids = p->appender->Append(rows);
  } catch (const std::exception& e) {
    // What the database said stays in the log (SPEC §5: no internals in a 5xx body).
    HttpResponse resp =
        HttpResponse::ServerError(503, "the database did not store the events", r, e.what());
    resp.headers.emplace_back("Retry-After", "5");
    return resp;
  }
  if (p->nudge) p->nudge();
  return JsonResponse(Dump(Json{{"ids", ids}}), 202);
}

}  // namespace pipeline_exporter

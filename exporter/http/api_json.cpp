#include "exporter/http/api_json.h"

#include <cmath>
#include <ctime>

#include "exporter/core/event_validator.h"

namespace pipeline_exporter {
namespace {

Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

template <typename T>
Json Optional(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

}  // namespace

std::string IsoTime(std::int64_t epoch_ms) {
  const std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(epoch_ms % 1000));
  return buf;
}

Json SnapshotJson(const PipelineSnapshot& p) {
  Json j;
  j["pipeline"] = p.name;
  j["lastEventId"] = p.tail.last_event_id;
  j["dbUp"] = p.tail.db_up;
  if (p.current_batch) {
    const BatchSnapshot& b = *p.current_batch;
    const auto start_ms = static_cast<std::int64_t>(b.start_timestamp_seconds * 1000);
    Json batch;
    batch["id"] = b.id;
    batch["date"] = b.batch_date;
    batch["number"] = b.batch_number;
    batch["status"] = BatchStatusName(b.status);
    batch["files"] = b.files;
    batch["start"] = IsoTime(start_ms);
    batch["startMs"] = start_ms;
    batch["end"] = b.end_timestamp_seconds
                       ? Json(IsoTime(static_cast<std::int64_t>(*b.end_timestamp_seconds * 1000)))
                       : Json(nullptr);
    batch["firstEventId"] = b.first_event_id;
    j["batch"] = std::move(batch);
  } else {
    j["batch"] = nullptr;
  }
  Json stages = Json::array();
  for (std::size_t i = 0; i < p.stages.size(); ++i) {
    const StageSnapshot& s = p.stages[i];
    Json st;
    st["id"] = s.id;
    st["title"] = s.title;
    st["order"] = i;
    st["status"] = StageStatusName(s.status);
    st["total"] = s.files > 0 ? Json(s.files) : Json(nullptr);
    st["processed"] = s.processed;
    st["failed"] = s.failed;
    st["progress"] = Number(s.progress_ratio);
    st["durationSeconds"] =
        s.status == StageStatus::kPending ? Json(nullptr) : Json(s.duration_seconds);
    st["etaSeconds"] = Number(s.eta_seconds);
    st["throughputPerSecond"] = s.throughput_per_second;
    st["lastEventAt"] =
        std::isfinite(s.last_event_timestamp_seconds)
            ? Json(IsoTime(static_cast<std::int64_t>(s.last_event_timestamp_seconds * 1000)))
            : Json(nullptr);
    st["typicalDurationSeconds"] = Number(s.typical_duration_seconds);
    stages.push_back(std::move(st));
  }
  j["stages"] = std::move(stages);
  return j;
}

Json EventJson(const StageEvent& e, const std::optional<std::string>& error_message) {
  Json j;
  j["id"] = e.id;
  j["batchId"] = e.batch_id;
  j["stage"] = e.stage.empty() ? Json(nullptr) : Json(e.stage);
  j["eventType"] = e.event_type;
  j["fileName"] = Optional(e.file_name);
  j["gpuIp"] = Optional(e.gpu_ip);
  j["totalFiles"] = Optional(e.total_files);
  j["processedFiles"] = Optional(e.processed_files);
  j["failedFiles"] = Optional(e.failed_files);
  j["durationMs"] = Optional(e.duration_ms);
  j["timestamp"] = e.timestamp_ms > 0 ? Json(IsoTime(e.timestamp_ms)) : Json(nullptr);
  j["timestampMs"] = e.timestamp_ms;
  j["errorMessage"] = Optional(error_message);
  const Validation v = ValidateEvent(e);
  j["invalid"] = v.reason ? Json(std::string(InvalidReasonName(*v.reason))) : Json(nullptr);
  return j;
}

Json BatchSummaryJson(const BatchSummary& b) {
  Json j;
  j["id"] = b.batch_id;
  j["status"] = b.status;
  j["start"] = IsoTime(b.start_ms);
  j["end"] = b.status == "running" ? Json(nullptr) : Json(IsoTime(b.last_event_ms));
  j["lastEventAt"] = IsoTime(b.last_event_ms);
  j["firstEventId"] = b.first_event_id;
  j["events"] = b.events;
  j["filesCompleted"] = b.files_completed;
  j["errors"] = b.errors;
  j["totalFiles"] = Optional(b.total_files);
  return j;
}

Json FullEventJson(const FullEvent& f) {
  Json j = EventJson(f.row.event, f.row.error_message);
  auto capped = [&j](const char* name, const std::optional<CappedText>& c) {
    if (!c) {
      j[name] = nullptr;
      return;
    }
    Json v;
    v["text"] = c->text;
    v["length"] = c->length;
    v["truncated"] = c->truncated;
    j[name] = std::move(v);
  };
  capped("requestPayload", f.request_payload);
  capped("response", f.response);
  capped("errorMessage", f.error_message);
  return j;
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string SseMessage(std::int64_t id, std::string_view type, const std::string& data) {
  std::string out = "id: " + std::to_string(id) + "\nevent: ";
  out += type;
  out += "\ndata: ";
  out += data;  // Dump never emits a raw CR or LF: they are escaped inside strings.
  out += "\n\n";
  return out;
}

}  // namespace pipeline_exporter

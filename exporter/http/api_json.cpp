#include "exporter/http/api_json.h"

#include <cmath>
#include <ctime>

#include "exporter/core/fold/event_validator.h"

namespace pipeline_exporter {
namespace {

Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

template <typename T>
Json Optional(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

}  // namespace

Json AlertJson(const Alert& a) {
  auto label = [&a](const char* name) {
    const auto it = a.labels.find(name);
    return it == a.labels.end() ? Json(nullptr) : Json(it->second);
  };
  auto annotation = [&a](const char* name) {
    const auto it = a.annotations.find(name);
    return it == a.annotations.end() ? Json(nullptr) : Json(it->second);
  };
  Json j;
  j["fingerprint"] = a.fingerprint;
  j["name"] = label("alertname");
  j["severity"] = label("severity");
  j["summary"] = annotation("summary");
  j["description"] = annotation("description");
  j["state"] = a.silence ? "silenced" : a.state == "suppressed" ? "inhibited" : "firing";
  j["startsAt"] = a.starts_at;
  Json batch = nullptr;
  if (const auto it = a.labels.find("batch_id"); it != a.labels.end()) {
    const std::string& v = it->second;
    if (!v.empty() && v.size() < 19 && v.find_first_not_of("0123456789") == std::string::npos) {
      batch = std::stoll(v);
    }
  }
  j["batchId"] = batch;
  j["labels"] = a.labels;
  j["annotations"] = a.annotations;
  if (a.silence) {
    j["silence"] = {{"id", a.silence->id},
                    {"createdBy", a.silence->created_by},
                    {"comment", a.silence->comment},
                    {"startsAt", a.silence->starts_at},
                    {"endsAt", a.silence->ends_at}};
  } else {
    j["silence"] = nullptr;
  }
  return j;
}

Json ControlJson(const ControlRequest& c) {
  Json j;
  j["id"] = c.id;
  j["batchId"] = c.batch_id;
  j["action"] = std::string(ControlActionName(c.action));
  j["requestedBy"] = c.requested_by;
  j["requestedFrom"] = c.requested_from.empty() ? Json() : Json(c.requested_from);
  j["reason"] = c.reason;
  j["requestedAt"] = IsoTime(c.requested_at_ms);
  return j;
}

Json BatchJson(const BatchSnapshot& b) {
  const auto start_ms = static_cast<std::int64_t>(std::llround(b.start_timestamp_seconds * 1000));
  Json batch;
  batch["id"] = b.id;
  batch["date"] = b.batch_date;
  batch["number"] = b.batch_number;
  batch["status"] = BatchStatusName(b.status);
  batch["files"] = Optional(b.files);
  batch["start"] = IsoTime(start_ms);
  batch["startMs"] = start_ms;
  batch["end"] = b.end_timestamp_seconds
                     ? Json(IsoTime(std::llround(*b.end_timestamp_seconds * 1000)))
                     : Json(nullptr);
  batch["runStartId"] = b.run_start_id;
  Json control = Json::array();
  for (const ControlRequest& c : b.control) control.push_back(ControlJson(c));
  batch["control"] = std::move(control);
  return batch;
}

Json StageJson(const StageSnapshot& s, std::size_t order) {
  Json st;
  st["id"] = s.id;
  st["title"] = s.title;
  st["order"] = order;
  st["status"] = StageStatusName(s.status);
  st["total"] = Optional(s.total);
  st["processed"] = s.processed;
  st["failed"] = s.failed;
  st["progress"] = Number(s.progress_ratio);
  st["durationSeconds"] = Optional(s.duration_seconds);
  st["etaSeconds"] = Number(s.eta_seconds);
  st["throughputPerSecond"] = s.throughput_per_second;
  st["lastEventAt"] = std::isfinite(s.last_event_timestamp_seconds)
                          ? Json(IsoTime(std::llround(s.last_event_timestamp_seconds * 1000)))
                          : Json(nullptr);
  st["typicalDurationSeconds"] = Number(s.typical_duration_seconds);
  Json subs = Json::array();
  for (const SubStageSnapshot& sub : s.sub_stages) {
    auto at = [](const std::optional<double>& seconds) {
      return seconds ? Json(IsoTime(std::llround(*seconds * 1000))) : Json(nullptr);
    };
    subs.push_back({{"id", sub.id},
                    {"status", StageStatusName(sub.status)},
                    {"start", at(sub.start_timestamp_seconds)},
                    {"end", at(sub.end_timestamp_seconds)},
                    {"durationSeconds", sub.duration_seconds}});
  }
  st["subStages"] = std::move(subs);
  return st;
}

namespace {

Json WorkerFiguresJson(const WorkerFiguresView& v) {
  Json j;
  j["filesCompleted"] = v.completed;
  j["filesFailed"] = v.failed;
  j["failureRatio"] = Number(v.failure_ratio);
  j["filesPerSecond"] = Optional(v.per_second);
  j["medianDurationSeconds"] = Optional(v.median_duration_seconds);
  j["lastSeen"] = v.last_event_ms ? Json(IsoTime(*v.last_event_ms)) : Json(nullptr);
  return j;
}

// {"stage", "worker"}: what names a worker row.
Json WorkerKeyJson(const WorkerRow& row) {
  return Json{{"stage", row.stage}, {"worker", row.worker}};
}

}  // namespace

Json BatchWorkersJson(const std::vector<WorkerRow>& rows) {
  Json out = Json::array();
  for (const WorkerRow& row : rows) {
    if (row.batch.completed + row.batch.failed == 0) continue;
    Json j = WorkerKeyJson(row);
    j.update(WorkerFiguresJson(row.batch));
    out.push_back(std::move(j));
  }
  return out;
}

Json WorkerRowJson(const WorkerRow& row) {
  Json j = WorkerKeyJson(row);
  j["batch"] = WorkerFiguresJson(row.batch);
  j["sinceStart"] = WorkerFiguresJson(row.total);
  j["silent"] = row.silent;
  return j;
}

Json SnapshotJson(const PipelineSnapshot& p) {
  Json j;
  j["pipeline"] = p.name;
  j["lastEventId"] = p.tail.last_event_id;
  j["dbUp"] = p.tail.db_up;
  j["batch"] = p.current_batch ? BatchJson(*p.current_batch) : Json(nullptr);
  Json stages = Json::array();
  for (std::size_t i = 0; i < p.stages.size(); ++i) stages.push_back(StageJson(p.stages[i], i));
  j["stages"] = std::move(stages);
  return j;
}

Json EventJson(const StageEvent& e) {
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
  j["errorMessage"] = Optional(e.error_message);
  const Validation v = ValidateEvent(e);
  j["invalid"] = v.reason ? Json(std::string(InvalidReasonName(*v.reason))) : Json(nullptr);
  return j;
}

Json FullEventJson(const StageEvent& e) {
  Json j = EventJson(e);
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
  capped("requestPayload", e.request_payload);
  capped("response", e.response);
  capped("errorMessage", e.full_error_message);
  return j;
}

Json BatchSummaryJson(const BatchSummary& b) {
  Json j;
  j["id"] = b.id;
  j["status"] = BatchStatusName(b.status);
  j["start"] = IsoTime(b.start_ms);
  j["startMs"] = b.start_ms;
  j["end"] = b.end_ms ? Json(IsoTime(*b.end_ms)) : Json(nullptr);
  j["durationSeconds"] = b.duration_seconds;
  j["files"] = Optional(b.files);
  j["filesProcessed"] = b.files_processed;
  j["filesFailed"] = b.files_failed;
  j["runStartId"] = b.run_start_id;
  Json stages = Json::array();
  for (const StageSummary& s : b.stages) {
    stages.push_back({{"id", s.id},
                      {"status", StageStatusName(s.status)},
                      {"processed", s.processed},
                      {"failed", s.failed}});
  }
  j["stages"] = std::move(stages);
  return j;
}

Json ErrorGroupsJson(std::int64_t batch_id, const ErrorGroups& groups) {
  Json list = Json::array();
  for (const ErrorGroup& g : groups.Sorted()) {
    list.push_back({{"stage", g.stage.empty() ? Json(nullptr) : Json(g.stage)},
                    {"message", g.message},
                    {"count", g.count},
                    {"firstSeen", IsoTime(g.first_ms)},
                    {"lastSeen", IsoTime(g.last_ms)},
                    {"sampleEventId", g.sample_event_id}});
  }
  return Json{{"batchId", batch_id}, {"groups", std::move(list)}, {"otherErrors", groups.other()}};
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string SseMessage(std::int64_t id, std::string_view type, const std::string& data) {
  return "id: " + std::to_string(id) + "\n" + SseMessage(type, data);
}

std::string SseMessage(std::string_view type, const std::string& data) {
  std::string out = "event: ";
  out += type;
  out += "\ndata: ";
  out += data;  // Dump never emits a raw CR or LF: they are escaped inside strings.
  out += "\n\n";
  return out;
}

}  // namespace pipeline_exporter

#include "exporter/http/batch_handler.h"

#include "exporter/core/fold/batch_fold.h"
#include "exporter/core/fold/error_groups.h"
#include "exporter/core/fold/event_validator.h"
#include "exporter/http/api_json.h"
#include "exporter/http/api_params.h"

namespace pipeline_exporter {

void BatchHandler::Get(const HttpRequest& r, HttpStream& out) const {
  // /api/batch/{id}/{what}
  const std::string rest = r.path.substr(std::string("/api/batch/").size());
  const auto slash = rest.find('/');
  const auto batch_id = ParsePositiveId(rest.substr(0, slash));
  const std::string what = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!batch_id) {
    out.Respond(HttpResponse::JsonError(400, "invalid batch id", rest.substr(0, slash)));
    return;
  }
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) {
    out.Respond(error);
  } else if (what == "stats") {
    out.Respond(Stats(*p, *batch_id));
  } else if (what == "logs") {
    out.Respond(Logs(r, *p, *batch_id));
  } else if (what == "errors") {
    out.Respond(Errors(*p, *batch_id));
  } else if (what == "export") {
    Export(*p, *batch_id, out);
  } else {
    out.Respond(HttpResponse::JsonError(404, "not found", r.path));
  }
}

HttpResponse BatchHandler::Stats(const ApiPipeline& p, std::int64_t batch_id) const {
  std::optional<PipelineSnapshot> snap = p.store->SnapshotOfBatch(batch_id);
  std::vector<WorkerRow> workers;
  if (snap) {
    workers = p.store->Workers(batch_id);
  } else {
    const PipelineState state = FoldBatchRun(
        p.store->spec(), [&p](const RunPage& page) { return p.runs->ReadRun(page); }, batch_id);
    snap = state.SnapshotOfBatch(batch_id, p.store->Now());
    if (!snap) return HttpResponse::JsonError(404, "no such batch", std::to_string(batch_id));
    snap->tail = p.store->Tail();
    workers = state.Workers(p.store->Now(), batch_id);
  }
  Json body = SnapshotJson(*snap);
  body["workers"] = BatchWorkersJson(workers);
  return JsonResponse(Dump(body));
}

HttpResponse BatchHandler::Logs(const HttpRequest& r, const ApiPipeline& p,
                                std::int64_t batch_id) const {
  HttpResponse error;
  auto f = LogFilterParams(r, batch_id, &error);
  if (!f) return error;
  f->max_scan = options_.max_search_rows;
  Json list = Json::array();
  const LogPage page = p.search->Search(*f);
  for (const auto& row : page.events) list.push_back(EventJson(row));
  Json body;
  body["events"] = std::move(list);
  // A full page goes on below its last row; a search that stopped at its bound goes on below
  // the rows it looked at.
  if (page.events.size() == f->limit) {
    body["nextBeforeId"] = page.events.back().id;
  } else {
    body["nextBeforeId"] = page.scanned_from ? Json(*page.scanned_from) : Json(nullptr);
  }
  body["scannedFromId"] = page.scanned_from ? Json(*page.scanned_from) : Json(nullptr);
  return JsonResponse(Dump(body));
}

HttpResponse BatchHandler::Errors(const ApiPipeline& p, std::int64_t batch_id) const {
  // A batch the fold holds: its groups, kept as the rows came.
  if (const auto held = p.store->ErrorsOfBatch(batch_id)) {
    Json body = ErrorGroupsJson(batch_id, *held);
    body["truncated"] = false;
    return JsonResponse(Dump(body));
  }
  // Otherwise the latest run's error rows, grouped the same way; its first row says where
  // the run starts.
  std::int64_t run_start = 0;
  {
    RunPage first;
    first.batch_id = batch_id;
    first.limit = 1;
    const auto run = p.runs->ReadRun(first);
    if (run.empty()) {
      return HttpResponse::JsonError(404, "no such batch", std::to_string(batch_id));
    }
    run_start = run.front().id;
  }
  ErrorGroups groups;
  LogFilter f;
  f.batch_id = batch_id;
  f.event_types = ErrorGroups::ErrorTypes();
  f.limit = options_.error_page_rows;
  std::size_t read = 0;
  bool cut = false;
  for (;;) {
    const auto rows = p.search->Search(f).events;
    bool done = rows.size() < f.limit;
    for (const StageEvent& row : rows) {
      if (row.id < run_start) {
        done = true;
        break;
      }
      if (!ValidateEvent(row).reason) groups.Add(row);  // what the fold would have taken
    }
    read += rows.size();
    if (done) break;
    if (read >= options_.max_error_rows) {
      cut = true;
      break;
    }
    f.before_id = rows.back().id;
  }
  Json body = ErrorGroupsJson(batch_id, groups);
  body["truncated"] = cut;
  return JsonResponse(Dump(body));
}

void BatchHandler::Export(const ApiPipeline& p, std::int64_t batch_id, HttpStream& out) const {
  RunPage page;
  page.batch_id = batch_id;
  page.limit = options_.export_page_rows;
  page.payloads = true;
  std::vector<StageEvent> rows = p.runs->ReadRun(page);
  if (rows.empty()) {
    out.Respond(HttpResponse::JsonError(404, "no such batch", std::to_string(batch_id)));
    return;
  }
  const std::int64_t now_ms = p.store->Now();
  if (!out.Begin(200,
                 {{"Content-Type", "application/json"},
                  {"Content-Disposition",
                   "attachment; filename=\"batch-" + std::to_string(batch_id) + ".json\""}},
                 /*chunked=*/true)) {
    return;
  }
  Json head;
  head["pipeline"] = p.store->name();
  head["batchId"] = batch_id;
  head["exportedAt"] = IsoTime(now_ms);
  std::string text = Dump(head);
  text.pop_back();  // the closing brace: events and stats follow
  text += ",\"events\":[";
  PipelineState fold(p.store->spec());
  bool first = true;
  for (;;) {
    for (const StageEvent& e : rows) {
      fold.Apply(e);
      if (!first) text += ',';
      first = false;
      text += Dump(FullEventJson(e));
    }
    if (!out.Write(text)) return;  // the client left
    text.clear();
    if (rows.size() < page.limit) break;
    page.after_id = rows.back().id;
    rows = p.runs->ReadRun(page);
  }
  const auto stats = fold.SnapshotOfBatch(batch_id, now_ms);
  text = "],\"stats\":" + (stats ? Dump(SnapshotJson(*stats)) : std::string("null")) + "}";
  out.Write(text);
}

}  // namespace pipeline_exporter

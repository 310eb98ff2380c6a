#include "exporter/http/workers_handler.h"

#include "exporter/http/api_json.h"

namespace pipeline_exporter {

HttpResponse WorkersHandler::Get(const HttpRequest& r) const {
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) return error;
  Json workers = Json::array();
  for (const WorkerRow& row : p->store->Workers()) workers.push_back(WorkerRowJson(row));
  Json body;
  body["pipeline"] = p->store->name();
  body["silentAfterSeconds"] = WorkerRow::kSilentAfterMs / 1000;
  body["workers"] = std::move(workers);
  return JsonResponse(Dump(body));
}

}  // namespace pipeline_exporter

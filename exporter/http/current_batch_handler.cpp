#include "exporter/http/current_batch_handler.h"

#include "exporter/http/api_json.h"

namespace pipeline_exporter {

HttpResponse CurrentBatchHandler::Get(const HttpRequest& r) const {
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) return error;
  return JsonResponse(Dump(SnapshotJson(p->store->Snapshot())));
}

}  // namespace pipeline_exporter

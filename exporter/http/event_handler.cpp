#include "exporter/http/event_handler.h"

#include "exporter/http/api_json.h"
#include "exporter/http/api_params.h"

namespace pipeline_exporter {

HttpResponse EventHandler::Get(const HttpRequest& r) const {
  const std::string raw = r.path.substr(std::string("/api/events/").size());
  const auto id = ParsePositiveId(raw);
  if (!id) return HttpResponse::JsonError(400, "invalid event id", raw);
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) return error;
  const auto event = p->lookup->FindEvent(*id);
  if (!event) return HttpResponse::JsonError(404, "no such event", raw);
  return JsonResponse(Dump(FullEventJson(*event)));
}

}  // namespace pipeline_exporter

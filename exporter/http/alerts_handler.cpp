#include "exporter/http/alerts_handler.h"

#include "exporter/http/api_json.h"

namespace pipeline_exporter {

HttpResponse AlertsHandler::Get(const HttpRequest& r) const {
  if (!reader_) {
    return HttpResponse::JsonError(403, "alerts are off", "set web.alertmanager_url");
  }
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) return error;
  const std::string& pipeline = p->store->name();
  const AlertList list = reader_->ReadAlerts(pipeline);
  if (!list.error.empty()) {
    return HttpResponse::ServerError(502, "Alertmanager is unreachable", r, list.error);
  }
  Json alerts = Json::array();
  for (const Alert& a : list.alerts) alerts.push_back(AlertJson(a));
  Json body;
  body["pipeline"] = pipeline;
  body["alerts"] = std::move(alerts);
  body["truncated"] = list.truncated;
  return JsonResponse(Dump(body));
}

}  // namespace pipeline_exporter

#include "exporter/http/pipelines_handler.h"

#include "exporter/core/fold/event_type.h"
#include "exporter/http/api_json.h"

namespace pipeline_exporter {

HttpResponse PipelinesHandler::Get(const HttpRequest&) const {
  Json list = Json::array();
  for (const auto& p : registry_.all()) {
    const PipelineSnapshot snap = p.store->Snapshot();
    Json stages = Json::array();
    for (std::size_t i = 0; i < snap.stages.size(); ++i) {
      stages.push_back({{"id", snap.stages[i].id}, {"title", snap.stages[i].title}, {"order", i}});
    }
    list.push_back({{"name", snap.name}, {"stages", std::move(stages)}});
  }
  Json body;
  body["pipelines"] = std::move(list);
  body["grafanaUrl"] = info_.grafana_url.empty() ? Json(nullptr) : Json(info_.grafana_url);
  body["ingest"] = info_.ingest;
  body["control"] = info_.control;
  body["alerts"] = info_.alerts;
  // The closed set of event types, as the core knows it (the page's filters use it).
  Json types = Json::array();
  for (const EventType t : AllEventTypes()) types.push_back(std::string(EventTypeName(t)));
  body["eventTypes"] = std::move(types);
  return JsonResponse(Dump(body));
}

}  // namespace pipeline_exporter

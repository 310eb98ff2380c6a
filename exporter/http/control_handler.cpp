#include "exporter/http/control_handler.h"

#include "exporter/http/api_json.h"
#include "exporter/http/api_params.h"
#include "exporter/http/bearer_token.h"
#include "exporter/http/json_body.h"

namespace pipeline_exporter {

HttpResponse ControlHandler::Post(const HttpRequest& r) const {
  // /api/batch/{id}/control
  const std::string rest = r.path.substr(std::string("/api/batch/").size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || rest.substr(slash + 1) != "control") {
    return HttpResponse::JsonError(404, "not found", r.path);
  }
  const auto batch_id = ParsePositiveId(rest.substr(0, slash));
  if (!batch_id) return HttpResponse::JsonError(400, "invalid batch id", rest.substr(0, slash));
  if (!options_.enabled) {
    return HttpResponse::JsonError(403, "batch control is off", "set control.enabled");
  }
  std::string who = r.user;
  if (who.empty()) {
    if (!BearerTokenMatches(r, options_.token)) return BearerChallenge();
    who = options_.token_name;
  }
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) return error;
  if (!p->control) return HttpResponse::JsonError(403, "batch control is off", p->store->name());

  const auto body = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return HttpResponse::JsonError(400, "the body is not a JSON object");
  const auto action_it = body.find("action");
  const auto action = action_it != body.end() && action_it->is_string()
                          ? ParseControlAction(action_it->get<std::string>())
                          : std::nullopt;
  if (!action) {
    return HttpResponse::JsonError(400, "invalid action", "one of pause, resume, cancel");
  }
  std::string reason;
  if (!OptionalTextField(body, "reason", kMaxReason, &reason, &error)) return error;

  const auto status = p->store->StatusOf(*batch_id);
  if (!status) {
    if (!p->store->Knows(*batch_id)) {
      return HttpResponse::JsonError(404, "no such batch", std::to_string(*batch_id));
    }
    return HttpResponse::JsonError(409, "the batch has ended", std::to_string(*batch_id));
  }
  if (!ControlFits(*action, *status)) {
    return HttpResponse::JsonError(409, "the action does not fit the batch's status",
                                   std::string("cannot ") +
                                       std::string(ControlActionName(*action)) +
                                       " a batch that is " + std::string(BatchStatusName(*status)));
  }
  ControlRequest request;
  request.batch_id = *batch_id;
  request.action = *action;
  request.requested_by = who;
  request.requested_from = r.remote_addr;
  request.reason = reason;
  const ControlRequest written = p->control->AppendControl(request);
  if (p->nudge) p->nudge();
  if (options_.audit) {
    options_.audit->Record(AuditRecord{p->store->name(), std::string(ControlActionName(*action)),
                                       who, r.remote_addr, std::to_string(*batch_id), reason,
                                       "control row " + std::to_string(written.id)});
  }
  return JsonResponse(Dump(ControlJson(written)), 202);
}

}  // namespace pipeline_exporter

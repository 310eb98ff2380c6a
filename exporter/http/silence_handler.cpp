#include "exporter/http/silence_handler.h"

#include "exporter/http/api_json.h"
#include "exporter/http/json_body.h"

namespace pipeline_exporter {
namespace {

bool IsFingerprint(const std::string& s) {
  return !s.empty() && s.size() <= 64 &&
         s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

}  // namespace

HttpResponse SilenceHandler::Post(const HttpRequest& r) const {
  if (!backend_.reader || !backend_.creator) {
    return HttpResponse::JsonError(403, "alerts are off", "set web.alertmanager_url");
  }
  if (r.user.empty()) {
    return HttpResponse::JsonError(403, "silencing needs a signed-in user",
                                   "add basic_auth_users to the web config");
  }
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) return error;

  const auto body = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return HttpResponse::JsonError(400, "the body is not a JSON object");
  const auto fp = body.find("fingerprint");
  if (fp == body.end() || !fp->is_string() || !IsFingerprint(fp->get<std::string>())) {
    return HttpResponse::JsonError(400, "invalid fingerprint", "the alert's fingerprint (hex)");
  }
  const std::string fingerprint = fp->get<std::string>();
  const auto duration = body.find("durationSeconds");
  const std::string duration_rule = "whole seconds from " + std::to_string(kMinSeconds) + " to " +
                                    std::to_string(kMaxSeconds) + " (30 days)";
  if (duration == body.end() || !duration->is_number_integer()) {
    return HttpResponse::JsonError(400, "invalid durationSeconds", duration_rule);
  }
  const std::int64_t seconds = duration->get<std::int64_t>();
  if (seconds < kMinSeconds || seconds > kMaxSeconds) {
    return HttpResponse::JsonError(400, "invalid durationSeconds", duration_rule);
  }
  std::string comment;
  if (!OptionalTextField(body, "comment", kMaxComment, &comment, &error)) return error;
  if (comment.find_first_not_of(" \t\r\n") == std::string::npos) comment = kDefaultComment;

  const std::string& pipeline = p->store->name();
  const AlertList list = backend_.reader->ReadAlerts(pipeline);
  if (!list.error.empty()) {
    return HttpResponse::ServerError(502, "Alertmanager is unreachable", r, list.error);
  }
  const Alert* alert = nullptr;
  for (const Alert& a : list.alerts) {
    if (a.fingerprint == fingerprint) alert = &a;
  }
  if (!alert) {
    return HttpResponse::JsonError(404, "no such alert",
                                   "pipeline " + pipeline + " has no alert " + fingerprint);
  }

  SilenceRequest request;
  request.matchers = alert->labels;
  request.starts_at_ms = clock_.Now();
  request.ends_at_ms = request.starts_at_ms + seconds * 1000;
  request.created_by = r.user;
  request.comment = comment;
  const SilenceResult result = backend_.creator->CreateSilence(request);
  if (!result.error.empty()) {
    return HttpResponse::ServerError(502, "Alertmanager did not create the silence", r,
                                     result.error);
  }
  if (backend_.created) backend_.created(pipeline);
  if (backend_.audit) {
    backend_.audit->Record(AuditRecord{pipeline, "silence", r.user, r.remote_addr, fingerprint,
                                       comment, "silence " + result.id});
  }

  Json matchers = Json::array();
  for (const auto& [name, value] : request.matchers) {
    matchers.push_back({{"name", name}, {"value", value}, {"isRegex", false}, {"isEqual", true}});
  }
  Json out;
  out["silenceId"] = result.id;
  out["fingerprint"] = fingerprint;
  out["matchers"] = std::move(matchers);
  out["startsAt"] = IsoTime(request.starts_at_ms);
  out["endsAt"] = IsoTime(request.ends_at_ms);
  out["createdBy"] = request.created_by;
  out["comment"] = request.comment;
  return JsonResponse(Dump(out), 201);
}

}  // namespace pipeline_exporter

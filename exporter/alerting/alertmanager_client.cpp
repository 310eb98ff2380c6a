#include "exporter/alerting/alertmanager_client.h"

#include <civetweb.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "exporter/util/iso_time.h"

namespace pipeline_exporter {
namespace {

using Json = nlohmann::json;

std::string UrlEncode(const std::string& text) {
  std::string out(text.size() * 3 + 1, '\0');
  const int n = mg_url_encode(text.c_str(), out.data(), out.size());
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

std::string Str(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::map<std::string, std::string> StringMap(const Json& object, const char* key) {
  std::map<std::string, std::string> out;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

// Why a response is not the API's answer, for the log and the page.
std::string Failure(const HttpClientResponse& r) {
  if (r.status == 0) return r.error;
  return "Alertmanager answered " + std::to_string(r.status);
}

}  // namespace

std::string AlertmanagerClient::EqualityMatcher(const std::string& name, const std::string& value) {
  std::string escaped;
  for (const char c : value) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return name + "=\"" + escaped + "\"";
}

bool AlertmanagerClient::ParseAlerts(const std::string& json, std::size_t max_alerts,
                                     AlertList* out) {
  const Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) {
    out->error = "Alertmanager's answer is not a list of alerts";
    return false;
  }
  for (const Json& a : doc) {
    if (!a.is_object()) continue;
    Alert alert;
    alert.fingerprint = Str(a, "fingerprint");
    alert.labels = StringMap(a, "labels");
    alert.annotations = StringMap(a, "annotations");
    alert.starts_at = Str(a, "startsAt");
    if (const auto status = a.find("status"); status != a.end() && status->is_object()) {
      alert.state = Str(*status, "state");
      if (const auto by = status->find("silencedBy");
          by != status->end() && by->is_array() && !by->empty() && by->front().is_string()) {
        AlertSilence silence;
        silence.id = by->front().get<std::string>();
        alert.silence = silence;
      }
    }
    if (alert.fingerprint.empty()) continue;
    out->alerts.push_back(std::move(alert));
  }
  std::stable_sort(out->alerts.begin(), out->alerts.end(), [](const Alert& x, const Alert& y) {
    const bool x_firing = !x.silence;
    const bool y_firing = !y.silence;
    if (x_firing != y_firing) return x_firing;
    return x.starts_at > y.starts_at;
  });
  if (out->alerts.size() > max_alerts) {
    out->alerts.resize(max_alerts);
    out->truncated = true;
  }
  return true;
}

bool AlertmanagerClient::ParseSilences(const std::string& json, std::vector<AlertSilence>* out) {
  const Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return false;
  for (const Json& s : doc) {
    if (!s.is_object()) continue;
    AlertSilence silence;
    silence.id = Str(s, "id");
    silence.created_by = Str(s, "createdBy");
    silence.comment = Str(s, "comment");
    silence.starts_at = Str(s, "startsAt");
    silence.ends_at = Str(s, "endsAt");
    if (!silence.id.empty()) out->push_back(std::move(silence));
  }
  return true;
}

std::string AlertmanagerClient::SilenceBody(const SilenceRequest& request) {
  Json matchers = Json::array();
  for (const auto& [name, value] : request.matchers) {
    matchers.push_back({{"name", name}, {"value", value}, {"isRegex", false}, {"isEqual", true}});
  }
  const Json body = {{"matchers", matchers},
                     {"startsAt", IsoTime(request.starts_at_ms)},
                     {"endsAt", IsoTime(request.ends_at_ms)},
                     {"createdBy", request.created_by},
                     {"comment", request.comment}};
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

AlertList AlertmanagerClient::ReadAlerts(const std::string& pipeline) {
  AlertList out;
  const std::string filter = UrlEncode(EqualityMatcher("pipeline", pipeline));
  const auto alerts = http_.Send(
      "GET",
      "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true&filter=" + filter);
  if (alerts.status != 200) {
    out.error = Failure(alerts);
    return out;
  }
  if (!ParseAlerts(alerts.body, max_alerts_, &out)) return out;

  std::set<std::string> wanted;
  for (const Alert& a : out.alerts) {
    if (a.silence) wanted.insert(a.silence->id);
  }
  if (wanted.empty()) return out;
  const auto silences = http_.Send("GET", "/api/v2/silences");
  std::vector<AlertSilence> found;
  if (silences.status != 200 || !ParseSilences(silences.body, &found)) {
    // The alerts stand; their silences are then known by id only.
    return out;
  }
  std::map<std::string, AlertSilence> by_id;
  for (AlertSilence& s : found) {
    if (wanted.count(s.id)) by_id[s.id] = std::move(s);
  }
  for (Alert& a : out.alerts) {
    if (!a.silence) continue;
    const auto it = by_id.find(a.silence->id);
    if (it != by_id.end()) a.silence = it->second;
  }
  return out;
}

SilenceResult AlertmanagerClient::CreateSilence(const SilenceRequest& request) {
  SilenceResult out;
  const auto r = http_.Send("POST", "/api/v2/silences", SilenceBody(request));
  if (r.status != 200) {
    out.error = Failure(r);
    if (r.status != 0 && !r.body.empty()) out.error += ": " + r.body.substr(0, 200);
    return out;
  }
  const Json doc = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object()) out.id = Str(doc, "silenceID");
  if (out.id.empty()) out.error = "Alertmanager's answer has no silenceID";
  return out;
}

}  // namespace pipeline_exporter

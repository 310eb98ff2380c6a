#include "exporter/http/http_types.h"

#include <civetweb.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "exporter/util/logfmt.h"

namespace pipeline_exporter {

std::optional<std::string> HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> HttpRequest::Param(const std::string& name) const {
  // civetweb's own decoder; a decoded value is never longer than the query.
  std::string value(query.size() + 1, '\0');
  const int n = mg_get_var(query.data(), query.size(), name.c_str(), value.data(), value.size());
  if (n < 0) return std::nullopt;
  value.resize(static_cast<std::size_t>(n));
  return value;
}

HttpResponse HttpResponse::JsonError(int status, const std::string& message,
                                     const std::string& detail) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  nlohmann::ordered_json j;
  j["error"] = message;
  j["detail"] = detail.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(detail);
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse HttpResponse::ServerError(int status, const std::string& message,
                                       const HttpRequest& request,
                                       const std::string& internal_detail) {
  static std::atomic<std::uint64_t> request_ids{0};
  const std::string id = std::to_string(++request_ids);
  spdlog::error("msg=\"request failed\" request_id={} status={} method={} path={} error={}", id,
                status, LogfmtQuote(request.method), LogfmtQuote(request.path),
                LogfmtQuote(internal_detail));
  HttpResponse r = JsonError(status, message, "request id " + id);
  r.headers.emplace_back("X-Request-Id", id);
  return r;
}

}  // namespace pipeline_exporter

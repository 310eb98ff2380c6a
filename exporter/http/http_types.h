#pragma once
// A request as handlers see it and the response they return: plain values, so handlers
// are testable without a server.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pipeline_exporter {

struct HttpRequest {
  std::string method;
  std::string path;                            // decoded, without the query
  std::string query;                           // raw, without '?'
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_addr;  // the client's IP address

  std::optional<std::string> Header(const std::string& lower_name) const;
  // A decoded query parameter; nullopt when absent.
  std::optional<std::string> Param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // {"error": message, "detail": detail} with the given status (SPEC §5).
  static HttpResponse JsonError(int status, const std::string& message,
                                const std::string& detail = "");
};

}  // namespace pipeline_exporter

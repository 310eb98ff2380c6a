#include "exporter/core/http_url.h"

namespace pipeline_exporter {

std::optional<HttpUrl> ParseHttpUrl(const std::string& url, std::string* why) {
  auto fail = [why](const std::string& reason) -> std::optional<HttpUrl> {
    if (why) *why = reason;
    return std::nullopt;
  };
  const std::string scheme = "http://";
  if (url.rfind("https://", 0) == 0) {
    return fail("https is not supported: reach Alertmanager over http (or a local TLS proxy)");
  }
  if (url.rfind(scheme, 0) != 0) return fail("must start with http://");
  const std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (authority.empty()) return fail("has no host");
  if (authority.find('@') != std::string::npos) return fail("must not carry user info");
  if (path.find_first_of("?#") != std::string::npos) return fail("must not carry a query");
  while (!path.empty() && path.back() == '/') path.pop_back();
  HttpUrl out;
  out.path_prefix = path;
  std::string host = authority;
  std::string port;
  if (host.front() == '[') {  // [IPv6]:port
    const auto close = host.find(']');
    if (close == std::string::npos) return fail("has an unclosed [ in its host");
    port = close + 1 < host.size() && host[close + 1] == ':' ? host.substr(close + 2) : "";
    if (close + 1 < host.size() && host[close + 1] != ':') return fail("has an invalid host");
    host = host.substr(1, close - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return fail("has no host");
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
      return fail("has an invalid port");
    }
    out.port = std::stoi(port);
    if (out.port < 1 || out.port > 65535) return fail("has an invalid port");
  }
  out.host = host;
  return out;
}

}  // namespace pipeline_exporter

#include "exporter/util/http_url.h"

#include <algorithm>
#include <cctype>

namespace pipeline_exporter {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A URL's or Host header's port: 1 to 65535 in at most five digits.
std::optional<int> ParsePort(std::string_view port) {
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const int n = std::stoi(std::string(port));
  if (n < 1 || n > 65535) return std::nullopt;
  return n;
}

}  // namespace

std::optional<std::string> NormalizeAuthority(std::string_view authority, int default_port) {
  authority = TrimBlanks(authority);
  if (authority.empty()) return std::nullopt;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return std::nullopt;
  }
  if (host.empty()) return std::nullopt;
  const bool bracketed = host.front() == '[';
  for (const char c : host) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = std::isalnum(u) || c == '.' || c == '-' || c == '_' ||
                    (bracketed && (c == '[' || c == ']' || c == ':'));
    if (!ok) return std::nullopt;
  }
  int n = default_port;
  if (!port.empty()) {
    const auto parsed = ParsePort(port);
    if (!parsed) return std::nullopt;
    n = *parsed;
  }
  return Lower(host) + ":" + std::to_string(n);
}

std::optional<std::string> NormalizeOrigin(std::string_view origin) {
  const std::string o = Lower(TrimBlanks(origin));
  const auto sep = o.find("://");
  if (sep == std::string::npos) return std::nullopt;
  const std::string scheme = o.substr(0, sep);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string_view authority = std::string_view(o).substr(sep + 3);
  if (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
  if (authority.find_first_of("/?#@ \t") != std::string_view::npos) return std::nullopt;
  const auto host_port = NormalizeAuthority(authority, scheme == "https" ? 443 : 80);
  if (!host_port) return std::nullopt;
  return scheme + "://" + *host_port;
}

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
    const auto parsed = ParsePort(port);
    if (!parsed) return fail("has an invalid port");
    out.port = *parsed;
  }
  out.host = host;
  return out;
}

}  // namespace pipeline_exporter

#pragma once
// An http:// URL the exporter calls out to (web.alertmanager_url): host, port and a path
// prefix; and the origins and Host values the cross-origin rule compares. Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace pipeline_exporter {

struct HttpUrl {
  std::string host;
  int port = 80;
  std::string path_prefix;  // "" or "/prefix" (no trailing slash)
};

// "http://host[:port][/prefix]" → its parts; nullopt with *why set for anything else
// (https, user info, a query, an invalid port).
std::optional<HttpUrl> ParseHttpUrl(const std::string& url, std::string* why);

// A Host header's "host[:port]" (an IPv6 host in brackets) → "host:port" in lower case, with
// `default_port` when it names none; nullopt when it is not of that form.
std::optional<std::string> NormalizeAuthority(std::string_view authority, int default_port);

// An origin "scheme://host[:port]" (http or https; one trailing slash allowed) →
// "scheme://host:port" in lower case with the scheme's default port (80, 443) filled in;
// nullopt for anything else ("null", a path, user info, a query).
std::optional<std::string> NormalizeOrigin(std::string_view origin);

}  // namespace pipeline_exporter

#pragma once
// An http:// URL the exporter calls out to (web.alertmanager_url): host, port and a path
// prefix. Pure; thread-safe.

#include <optional>
#include <string>

namespace pipeline_exporter {

struct HttpUrl {
  std::string host;
  int port = 80;
  std::string path_prefix;  // "" or "/prefix" (no trailing slash)
};

// "http://host[:port][/prefix]" → its parts; nullopt with *why set for anything else
// (https, user info, a query, an invalid port).
std::optional<HttpUrl> ParseHttpUrl(const std::string& url, std::string* why);

}  // namespace pipeline_exporter

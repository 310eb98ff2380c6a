#pragma once
// --web.config.file in the exporter-toolkit format shared by Prometheus exporters:
// `basic_auth_users` (user → bcrypt hash). `tls_server_config` is refused with an
// explanation: Debian 12's civetweb cannot serve TLS. Two extension keys:
// `metrics_without_auth` leaves the telemetry path open for a scraper inside the network;
// `trusted_proxies` lists the reverse proxies whose X-Real-IP header is believed.
// Stateless; thread-safe.

#include <map>
#include <string>
#include <vector>

namespace pipeline_exporter {

struct WebAuthConfig {
  std::map<std::string, std::string> basic_auth_users;  // user → bcrypt hash
  bool metrics_without_auth = false;
  // Reverse proxies (IP addresses) whose X-Real-IP header names the client: failed logins
  // are then limited per real client, not per proxy.
  std::vector<std::string> trusted_proxies;
};

// Parses YAML text; throws ConfigError naming the key.
WebAuthConfig ParseWebConfig(const std::string& yaml_text);

// Reads and parses a file; the ConfigError message starts with the path.
WebAuthConfig LoadWebConfigFile(const std::string& path);

}  // namespace pipeline_exporter

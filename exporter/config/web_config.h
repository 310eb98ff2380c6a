#pragma once
// --web.config.file in the exporter-toolkit format shared by Prometheus exporters:
// `basic_auth_users` (user → bcrypt hash). `tls_server_config` is refused with an
// explanation: Debian 12's civetweb cannot serve TLS. One extension key,
// `metrics_without_auth`, leaves the telemetry path open for a scraper inside the network.
// Stateless; thread-safe.

#include <map>
#include <string>

namespace pipeline_exporter {

struct WebAuthConfig {
  std::map<std::string, std::string> basic_auth_users;  // user → bcrypt hash
  bool metrics_without_auth = false;
};

// Parses YAML text; throws ConfigError naming the key.
WebAuthConfig ParseWebConfig(const std::string& yaml_text);

// Reads and parses a file; the ConfigError message starts with the path.
WebAuthConfig LoadWebConfigFile(const std::string& path);

}  // namespace pipeline_exporter

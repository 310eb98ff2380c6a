#pragma once
// --web.config.file in the exporter-toolkit format shared by Prometheus exporters:
// `tls_server_config` (cert_file, key_file, client_ca_file, client_auth_type, min_version,
// max_version) and `basic_auth_users` (user → bcrypt hash). Two extension keys:
// `metrics_without_auth` leaves the telemetry path open for a scraper inside the network;
// `trusted_proxies` lists the reverse proxies whose X-Forwarded-For / X-Real-IP is believed.
// Stateless; thread-safe.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pipeline_exporter {

// exporter-toolkit's tls_server_config. Files are checked when the server starts.
struct TlsServerConfig {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // empty: none
  // NoClientCert | RequestClientCert | RequireAnyClientCert | VerifyClientCertIfGiven |
  // RequireAndVerifyClientCert
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";  // TLS10 | TLS11 | TLS12 | TLS13
  std::string max_version = "TLS13";
};

struct WebAuthConfig {
  std::optional<TlsServerConfig> tls;
  std::map<std::string, std::string> basic_auth_users;  // user → bcrypt hash
  bool metrics_without_auth = false;
  // Reverse proxies (IP addresses) whose X-Forwarded-For or X-Real-IP names the client: failed
  // logins are then limited per real client, not per proxy.
  std::vector<std::string> trusted_proxies;
};

// Parses YAML text; throws ConfigError naming the key.
WebAuthConfig ParseWebConfig(const std::string& yaml_text);

// Reads and parses a file; the ConfigError message starts with the path.
WebAuthConfig LoadWebConfigFile(const std::string& path);

}  // namespace pipeline_exporter

#include "exporter/config/web_config.h"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include "exporter/config/config_loader.h"
#include "exporter/config/yaml_file.h"

namespace pipeline_exporter {

namespace {

std::string KeyName(const YAML::Node& key, const std::string& where) {
  if (!key.IsScalar()) throw ConfigError(where + ": keys must be plain names");
  return key.Scalar();
}

int VersionRank(const std::string& v) {
  if (v == "TLS10") return 10;
  if (v == "TLS11") return 11;
  if (v == "TLS12") return 12;
  if (v == "TLS13") return 13;
  return 0;
}

TlsServerConfig ParseTls(const YAML::Node& node) {
  if (!node.IsMap()) throw ConfigError("tls_server_config: must be a mapping");
  TlsServerConfig t;
  for (const auto& kv : node) {
    const std::string key = KeyName(kv.first, "tls_server_config");
    const std::string where = "tls_server_config." + key;
    if (!kv.second.IsScalar()) throw ConfigError(where + ": must be a string");
    const std::string v = kv.second.Scalar();
    if (key == "cert_file") {
      t.cert_file = v;
    } else if (key == "key_file") {
      t.key_file = v;
    } else if (key == "client_ca_file") {
      t.client_ca_file = v;
    } else if (key == "client_auth_type") {
      if (v != "NoClientCert" && v != "RequestClientCert" && v != "RequireAnyClientCert" &&
          v != "VerifyClientCertIfGiven" && v != "RequireAndVerifyClientCert") {
        throw ConfigError(where +
                          ": must be one of NoClientCert, RequestClientCert, "
                          "RequireAnyClientCert, VerifyClientCertIfGiven, "
                          "RequireAndVerifyClientCert, got \"" +
                          v + "\"");
      }
      t.client_auth_type = v;
    } else if (key == "min_version" || key == "max_version") {
      if (VersionRank(v) == 0) {
        throw ConfigError(where + ": must be TLS10, TLS11, TLS12 or TLS13, got \"" + v + "\"");
      }
      (key == "min_version" ? t.min_version : t.max_version) = v;
    } else {
      throw ConfigError(where +
                        ": unknown or unsupported key (supported: cert_file, key_file, "
                        "client_ca_file, client_auth_type, min_version, max_version)");
    }
  }
  if (t.cert_file.empty()) throw ConfigError("tls_server_config.cert_file: is required");
  if (t.key_file.empty()) throw ConfigError("tls_server_config.key_file: is required");
  const bool verifies = t.client_auth_type == "VerifyClientCertIfGiven" ||
                        t.client_auth_type == "RequireAndVerifyClientCert";
  if (verifies && t.client_ca_file.empty()) {
    throw ConfigError("tls_server_config.client_ca_file: is required with client_auth_type " +
                      t.client_auth_type);
  }
  if (!t.client_ca_file.empty() && t.client_auth_type == "NoClientCert") {
    throw ConfigError(
        "tls_server_config.client_auth_type: client_ca_file is set, but no client "
        "certificate is asked for (set client_auth_type, e.g. RequireAndVerifyClientCert)");
  }
  if (VersionRank(t.min_version) > VersionRank(t.max_version)) {
    throw ConfigError("tls_server_config.min_version: is above max_version");
  }
  return t;
}

WebAuthConfig ParseLoaded(const YAML::Node& root) {
  WebAuthConfig c;
  if (root.IsNull()) return c;
  if (!root.IsMap()) throw ConfigError("top level: must be a mapping");
  for (const auto& kv : root) {
    const std::string key = KeyName(kv.first, "top level");
    if (key == "tls_server_config") {
      c.tls = ParseTls(kv.second);
    } else if (key == "basic_auth_users") {
      if (!kv.second.IsMap())
        throw ConfigError("basic_auth_users: must be a mapping of user: bcrypt hash");
      for (const auto& user : kv.second) {
        const std::string name = KeyName(user.first, "basic_auth_users");
        const std::string where = "basic_auth_users." + name;
        if (name.empty() || name.find(':') != std::string::npos) {
          throw ConfigError(where + ": user names must be non-empty and contain no ':'");
        }
        if (!user.second.IsScalar()) throw ConfigError(where + ": must be a bcrypt hash");
        const auto hash = user.second.Scalar();
        if (hash.size() != 60 || (hash.rfind("$2a$", 0) != 0 && hash.rfind("$2b$", 0) != 0 &&
                                  hash.rfind("$2y$", 0) != 0)) {
          throw ConfigError(where +
                            ": must be a bcrypt hash ($2y$…, e.g. from htpasswd -nBC 10 user)");
        }
        c.basic_auth_users[name] = hash;
      }
    } else if (key == "metrics_without_auth") {
      const auto v = kv.second.IsScalar() ? kv.second.Scalar() : "";
      if (v != "true" && v != "false")
        throw ConfigError("metrics_without_auth: must be true or false");
      c.metrics_without_auth = v == "true";
    } else if (key == "trusted_proxies") {
      if (!kv.second.IsSequence())
        throw ConfigError("trusted_proxies: must be a list of IP addresses");
      for (std::size_t i = 0; i < kv.second.size(); ++i) {
        const std::string where = "trusted_proxies[" + std::to_string(i) + "]";
        if (!kv.second[i].IsScalar()) throw ConfigError(where + ": must be an IP address");
        const std::string addr = kv.second[i].Scalar();
        in6_addr buf{};
        if (inet_pton(AF_INET, addr.c_str(), &buf) != 1 &&
            inet_pton(AF_INET6, addr.c_str(), &buf) != 1) {
          throw ConfigError(where + ": \"" + addr +
                            "\" is not an IP address (no names, no ranges)");
        }
        c.trusted_proxies.push_back(addr);
      }
    } else {
      throw ConfigError(key +
                        ": unknown key (allowed: tls_server_config, basic_auth_users, "
                        "metrics_without_auth, trusted_proxies)");
    }
  }
  return c;
}

}  // namespace

WebAuthConfig ParseWebConfig(const std::string& yaml_text) {
  return ParseYaml(yaml_text, ParseLoaded);
}

WebAuthConfig LoadWebConfigFile(const std::string& path) { return ParseFile(path, ParseWebConfig); }

}  // namespace pipeline_exporter

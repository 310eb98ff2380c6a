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

WebAuthConfig ParseLoaded(const YAML::Node& root) {
  WebAuthConfig c;
  if (root.IsNull()) return c;
  if (!root.IsMap()) throw ConfigError("top level: must be a mapping");
  for (const auto& kv : root) {
    const std::string key = KeyName(kv.first, "top level");
    if (key == "tls_server_config") {
      throw ConfigError(
          "tls_server_config: TLS is not available in this build: Debian 12's civetweb cannot "
          "serve HTTPS (it loads OpenSSL 3 through the 1.1 API and crashes on the first "
          "request). Terminate TLS in a reverse proxy such as nginx (see the README, Security)");
    }
    if (key == "basic_auth_users") {
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
                        ": unknown key (allowed: basic_auth_users, metrics_without_auth, "
                        "trusted_proxies)");
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

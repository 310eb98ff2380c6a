#include "exporter/config/web_config.h"

#include <gtest/gtest.h>

#include "exporter/config/config_loader.h"

namespace pipeline_exporter {
namespace {

const char* kHash = "$2y$10$abcdefghijklmnopqrstuu5wPGjMPS3BBR0qjZRPOJOwT/sxP1S3e";

std::string ErrorOf(const std::string& yaml) {
  try {
    ParseWebConfig(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(WebConfigTest, ReadsUsersAndTheMetricsException) {
  const auto c = ParseWebConfig(std::string("basic_auth_users:\n  alice: ") + kHash +
                                "\nmetrics_without_auth: true\n");
  EXPECT_EQ(c.basic_auth_users.at("alice"), kHash);
  EXPECT_TRUE(c.metrics_without_auth);
  EXPECT_TRUE(ParseWebConfig("").basic_auth_users.empty());
}

TEST(WebConfigTest, TrustedProxiesAreIpAddresses) {
  EXPECT_EQ(ParseWebConfig("trusted_proxies: [127.0.0.1, \"::1\"]\n").trusted_proxies,
            (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(ErrorOf("trusted_proxies: [localhost]\n"),
            "trusted_proxies[0]: \"localhost\" is not an IP address (no names, no ranges)");
  EXPECT_EQ(ErrorOf("trusted_proxies: 10.0.0.0/8\n"),
            "trusted_proxies: must be a list of IP addresses");
}

TEST(WebConfigTest, OddYamlIsAConfigErrorNotACrash) {
  EXPECT_EQ(ErrorOf("? v:v:\n"), "top level: keys must be plain names");
  EXPECT_EQ(ErrorOf("basic_auth_users:\n  ? [a, b]\n  : x\n"),
            "basic_auth_users: keys must be plain names");
  EXPECT_EQ(ErrorOf("a: [\n").rfind("invalid YAML at line", 0), 0u);
}

TEST(WebConfigTest, TlsIsRefusedWithTheReason) {
  const std::string e = ErrorOf("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n");
  EXPECT_EQ(e.rfind("tls_server_config: TLS is not available", 0), 0u) << e;
  EXPECT_NE(e.find("reverse proxy"), std::string::npos);
}

TEST(WebConfigTest, BadEntriesNameTheKey) {
  EXPECT_EQ(ErrorOf("basic_auth_users:\n  bob: plaintext\n")
                .rfind("basic_auth_users.bob: must be a bcrypt hash", 0),
            0u);
  EXPECT_EQ(ErrorOf("basic_auth_users: [a]\n").rfind("basic_auth_users: must be a mapping", 0), 0u);
  EXPECT_EQ(ErrorOf("http2: true\n").rfind("http2: unknown key", 0), 0u);
  EXPECT_EQ(ErrorOf("metrics_without_auth: maybe\n"),
            "metrics_without_auth: must be true or false");
}

}  // namespace
}  // namespace pipeline_exporter

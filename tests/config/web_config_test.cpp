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

TEST(WebConfigTest, TlsServerConfigAsExporterToolkitDefinesIt) {
  const auto c = ParseWebConfig(
      "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_ca_file: ca.crt\n"
      "  client_auth_type: RequireAndVerifyClientCert\n  min_version: TLS13\n");
  ASSERT_TRUE(c.tls);
  EXPECT_EQ(c.tls->cert_file, "a.crt");
  EXPECT_EQ(c.tls->client_auth_type, "RequireAndVerifyClientCert");
  EXPECT_EQ(c.tls->min_version, "TLS13");
  EXPECT_EQ(c.tls->max_version, "TLS13");
  const auto plain = ParseWebConfig("tls_server_config:\n  cert_file: a\n  key_file: b\n");
  EXPECT_EQ(plain.tls->client_auth_type, "NoClientCert");
  EXPECT_EQ(plain.tls->min_version, "TLS12");
  EXPECT_FALSE(ParseWebConfig("basic_auth_users: {}\n").tls);
}

TEST(WebConfigTest, BadTlsSettingsNameTheKey) {
  const std::string base = "tls_server_config:\n  cert_file: a\n  key_file: b\n";
  EXPECT_EQ(ErrorOf("tls_server_config:\n  key_file: b\n"),
            "tls_server_config.cert_file: is required");
  EXPECT_EQ(ErrorOf(base + "  client_auth_type: Sometimes\n")
                .rfind("tls_server_config.client_auth_type: must be one of", 0),
            0u);
  EXPECT_EQ(ErrorOf(base + "  client_auth_type: VerifyClientCertIfGiven\n"),
            "tls_server_config.client_ca_file: is required with client_auth_type "
            "VerifyClientCertIfGiven");
  EXPECT_EQ(ErrorOf(base + "  client_ca_file: ca\n")
                .rfind("tls_server_config.client_auth_type: client_ca_file is set", 0),
            0u);
  EXPECT_EQ(ErrorOf(base + "  min_version: SSL3\n"),
            "tls_server_config.min_version: must be TLS10, TLS11, TLS12 or TLS13, got \"SSL3\"");
  EXPECT_EQ(ErrorOf(base + "  min_version: TLS13\n  max_version: TLS12\n"),
            "tls_server_config.min_version: is above max_version");
  EXPECT_EQ(ErrorOf(base + "  cipher_suites: [x]\n"),
            "tls_server_config.cipher_suites: must be a string");
  EXPECT_EQ(
      ErrorOf(base + "  prefer_server_cipher_suites: true\n")
          .rfind("tls_server_config.prefer_server_cipher_suites: unknown or unsupported key", 0),
      0u);
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

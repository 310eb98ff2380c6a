#include "exporter/config/config_loader.h"

#include <gtest/gtest.h>

#include <fstream>

namespace pipeline_exporter {
namespace {

std::optional<std::string> Env(const std::string& name) {
  if (name == "DB_PASSWORD") return std::string("s3cret");
  if (name == "INGEST_TOKEN") return std::string("t0ken");
  return std::nullopt;
}

Config Parse(const std::string& yaml) { return ParseConfig(yaml, Env); }

std::string ErrorOf(const std::string& yaml) {
  try {
    Parse(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ConfigLoaderTest, ParsesTheDocumentedExample) {
  const Config c = Parse(R"(
pipelines:
  - name: cofi
    database: "mysql://host=127.0.0.1 db=pipe user=exporter password=${DB_PASSWORD}"
    table: batchExecutionLog
    poll_interval: 250ms
    replay: 2d
    baseline_batches: 5
    stages:
      - { id: file_distribution, title: "File distribution" }
      - { id: denoise, title: "Denoise" }
      - stt
web:
  max_sse_clients: 10
  grafana_url: "http://grafana.example/d/pipeline"
  alertmanager_url: "http://alertmanager:9093"
ingest:
  enabled: true
  token: "${INGEST_TOKEN}"
histogram_buckets: [0.5, 1, 10]
)");
  ASSERT_EQ(c.pipelines.size(), 1u);
  const auto& p = c.pipelines[0];
  EXPECT_EQ(p.spec.name, "cofi");
  EXPECT_EQ(p.database, "mysql://host=127.0.0.1 db=pipe user=exporter password=s3cret");
  EXPECT_EQ(p.poll_interval.count(), 250);
  EXPECT_EQ(p.replay_ms, 2LL * 24 * 3600 * 1000);
  EXPECT_EQ(p.spec.baseline_batches, 5u);
  ASSERT_EQ(p.spec.stages.size(), 3u);
  EXPECT_EQ(p.spec.stages[1].title, "Denoise");
  EXPECT_EQ(p.spec.stages[2].id, "stt");
  EXPECT_EQ(p.spec.histogram_buckets, (std::vector<double>{0.5, 1, 10}));
  EXPECT_EQ(c.web.max_sse_clients, 10u);
  EXPECT_EQ(c.web.alertmanager_url, "http://alertmanager:9093");
  EXPECT_TRUE(c.ingest.enabled);
  EXPECT_EQ(c.ingest.token, "t0ken");
}

TEST(ConfigLoaderTest, DefaultsApplyToOmittedKeys) {
  const Config c = Parse("pipelines:\n  - name: p\n");
  const auto& p = c.pipelines[0];
  EXPECT_EQ(p.database, kDefaultDatabase);
  EXPECT_EQ(p.table, "batchExecutionLog");
  EXPECT_EQ(p.poll_interval.count(), 500);
  EXPECT_EQ(p.replay_ms, 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(p.spec.baseline_batches, 10u);
  EXPECT_EQ(p.spec.max_stages, 64u);
  EXPECT_EQ(p.spec.batch_deadline_ms, 0);
  EXPECT_EQ(c.web.max_sse_clients, 64u);
  EXPECT_FALSE(c.ingest.enabled);
}

TEST(ConfigLoaderTest, ADeadlineIsADurationOfAtLeastASecond) {
  EXPECT_EQ(
      Parse("pipelines:\n  - name: p\n    deadline: 6h\n").pipelines[0].spec.batch_deadline_ms,
      6LL * 3600 * 1000);
  EXPECT_THROW(Parse("pipelines:\n  - name: p\n    deadline: 10ms\n"), ConfigError);
  EXPECT_THROW(Parse("pipelines:\n  - name: p\n    deadline: soon\n"), ConfigError);
}

TEST(ConfigLoaderTest, AnAlertmanagerUrlMustBeOneTheExporterCanCall) {
  EXPECT_TRUE(Parse("pipelines:\n  - name: p\n").web.alertmanager_url.empty());
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\nweb:\n  alertmanager_url: \"am:9093\"\n"),
            "web.alertmanager_url: must start with http://");
  EXPECT_NE(ErrorOf("pipelines:\n  - name: p\nweb:\n  alertmanager_url: https://am:9093\n")
                .find("web.alertmanager_url: https is not supported"),
            std::string::npos);
}

TEST(ConfigLoaderTest, RetentionIsOffByDefaultAndReadWhole) {
  EXPECT_FALSE(Parse("pipelines:\n  - name: p\n").retention.enabled);
  const Config c = Parse(
      "pipelines:\n  - name: p\nretention:\n  enabled: true\n  older_than: 14d\n  "
      "keep_batches: 3\n  interval: 10m\n  batch_size: 1000\n  stall_after: 2h\n");
  EXPECT_TRUE(c.retention.enabled);
  EXPECT_EQ(c.retention.older_than_ms, 14LL * 86400000);
  EXPECT_EQ(c.retention.keep_batches, 3u);
  EXPECT_EQ(c.retention.interval_ms, 600000);
  EXPECT_EQ(c.retention.batch_size, 1000u);
  EXPECT_EQ(c.retention.stall_after_ms, 7200000);
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\nretention:\n  older_than: soon\n")
                .rfind("retention.older_than: invalid duration", 0),
            0u);
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\nretention:\n  keep_batches: -2\n")
                .rfind("retention.keep_batches: must be between 0", 0),
            0u);
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\nretention:\n  keep: 2\n")
                .rfind("retention.keep: unknown key", 0),
            0u);
}

TEST(ConfigLoaderTest, TrustedOriginsAndTheTokensNameAreChecked) {
  const Config c = Parse(
      "pipelines:\n  - name: p\nweb:\n  trusted_origins: [\"https://pipelines.example.com\", "
      "\"http://10.0.0.5:8080/\"]\ncontrol:\n  enabled: true\n  token: t\n  token_name: "
      "nightly-cron\n");
  EXPECT_EQ(c.web.trusted_origins,
            (std::vector<std::string>{"https://pipelines.example.com", "http://10.0.0.5:8080/"}));
  EXPECT_EQ(c.control.token_name, "nightly-cron");
  EXPECT_EQ(Parse("pipelines:\n  - name: p\n").control.token_name, "token");
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\nweb:\n  trusted_origins: https://x\n"),
            "web.trusted_origins: must be a list of origins (https://host[:port])");
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\nweb:\n  trusted_origins: [pipelines.example.com]\n")
                .rfind("web.trusted_origins[0]: \"pipelines.example.com\" is not an origin", 0),
            0u);
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\nweb:\n  trusted_origins: [\"https://x/app\"]\n")
                .rfind("web.trusted_origins[0]:", 0),
            0u);
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\ncontrol:\n  token_name: \"a b\"\n"),
            "control.token_name: must be 1 to 64 letters, digits or ._@-");
}

TEST(ConfigLoaderTest, ErrorsNameTheKey) {
  EXPECT_EQ(
      ErrorOf("pipelines:\n  - name: p\n    poll_interval: 5x\n"),
      "pipelines[0].poll_interval: invalid duration \"5x\" (examples: 500ms, 30s, 7d, 1h30m)");
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\n    pol_interval: 5s\n")
                .rfind("pipelines[0].pol_interval: unknown key", 0),
            0u);
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\n    table: \"x; DROP TABLE y\"\n")
                .rfind("pipelines[0].table:", 0),
            0u);
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\n    database: \"oracle://x\"\n")
                .rfind("pipelines[0].database:", 0),
            0u);
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\n  - name: p\n"),
            "pipelines[1].name: duplicate pipeline \"p\"");
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\n    stages: [a, a]\n"),
            "pipelines[0].stages[1].id: duplicate stage \"a\"");
  EXPECT_EQ(ErrorOf("pipelines: []\n"), "pipelines: must be a non-empty list");
  EXPECT_EQ(ErrorOf("histogram_buckets: [1, 0.5]\npipelines:\n  - name: p\n"),
            "histogram_buckets[1]: buckets must be strictly increasing");
  EXPECT_EQ(ErrorOf("web:\n  max_sse_clients: 0\npipelines:\n  - name: p\n"),
            "web.max_sse_clients: must be between 1 and 1000, got 0");
  EXPECT_EQ(ErrorOf("pipelines:\n  - name: p\n    baseline_batches: many\n"),
            "pipelines[0].baseline_batches: must be a whole number, got \"many\"");
  EXPECT_EQ(ErrorOf("pipelines:\n  - database: x\n").rfind("pipelines[0].name: is required", 0),
            0u);
  EXPECT_EQ(ErrorOf("pipelines: [\n").rfind("invalid YAML at line", 0), 0u);
  // Found by fuzz/config_fuzz: a NUL in a key made the message empty when printed.
  EXPECT_EQ(ErrorOf(std::string("\"a\0b\": 1\n", 9)).rfind("a\\x00b: unknown key", 0), 0u);
  // Found by fuzz/config_fuzz: a complex (non-scalar) key used to escape as YAML::Exception.
  EXPECT_EQ(ErrorOf("? v:v:\n"), "top level: keys must be plain names");
  EXPECT_EQ(ErrorOf("pipelines:\n  - ? [a]\n    : 1\n"), "pipelines[0]: keys must be plain names");
  EXPECT_EQ(ErrorOf("ingest:\n  enabled: yes please\npipelines:\n  - name: p\n"),
            "ingest.enabled: must be true or false, got \"yes please\"");
  // An enabled ingest whose token is empty (an unset variable) would take anyone's events.
  EXPECT_EQ(ErrorOf("ingest:\n  enabled: true\n  token: \"${UNSET_TOKEN}\"\npipelines:\n"
                    "  - name: p\n")
                .rfind("ingest.token: must not be empty when ingest.enabled is true", 0),
            0u);
}

TEST(ConfigLoaderTest, FileErrorsStartWithThePath) {
  const std::string path = ::testing::TempDir() + "/bad_config.yml";
  std::ofstream(path) << "pipelines:\n  - name: p\n    replay: forever\n";
  try {
    LoadConfigFile(path);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": pipelines[0].replay:", 0), 0u) << e.what();
  }
  try {
    LoadConfigFile(path + ".missing");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read"), std::string::npos);
  }
}

}  // namespace
}  // namespace pipeline_exporter

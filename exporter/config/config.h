#pragma once
// The exporter's configuration (SPEC §6) as plain values, after parsing and validation.
// Defaults here are the documented ones.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exporter/config/web_config.h"
#include "exporter/core/fold/pipeline_spec.h"

namespace pipeline_exporter {

inline constexpr const char* kDefaultDatabase = "sqlite3://db=./pipeline_events.db";
inline constexpr const char* kDefaultTable = "batchExecutionLog";

struct PipelineConfig {
  PipelineSpec spec;  // name, stages, max_stages, baseline_batches, buckets
  std::string database = kDefaultDatabase;
  std::string table = kDefaultTable;
  std::string control_table = "batchControl";  // migration 002
  std::chrono::milliseconds poll_interval{500};
  std::int64_t replay_ms = 7LL * 24 * 3600 * 1000;
  std::int64_t gap_grace_ms = 60 * 1000;
};

struct WebConfig {
  std::size_t max_sse_clients = 64;
  std::string grafana_url;  // link shown on the page when set
  // Alertmanager's base URL (http://host:port[/prefix]); empty: the page shows no alerts.
  std::string alertmanager_url;
  std::int64_t sse_heartbeat_ms = 15000;
  // Origins (scheme://host[:port]) allowed to send POSTs although they are not the request's
  // Host: the public address of a reverse proxy that rewrites Host.
  std::vector<std::string> trusted_origins;
};

struct IngestConfig {
  bool enabled = false;
  std::string token;
  std::size_t max_body_bytes = 1 << 20;
};

// Batch control (POST /api/batch/{id}/control): off unless enabled; allowed to users of the
// web config, or with `Authorization: Bearer <token>` when a token is set.
struct ControlConfig {
  bool enabled = false;
  std::string token;
  // Who the token's requests are recorded as (audit, control rows, metrics); never the token.
  std::string token_name = "token";
};

// Retention (README "Retention"): the running exporter prunes every pipeline on a schedule,
// with the same code as `pipeline_exporter prune`. Off by default.
struct RetentionConfig {
  bool enabled = false;
  std::optional<std::int64_t> older_than_ms = 30LL * 24 * 3600 * 1000;  // batches older go
  std::size_t keep_batches = 10;              // the newest N per pipeline always stay
  std::int64_t interval_ms = 3600 * 1000;     // between prunes (the first a minute after start)
  std::size_t batch_size = 5000;              // rows per transaction
  std::int64_t stall_after_ms = 3600 * 1000;  // a batch without outcome and a row this recent runs
};

struct Config {
  std::vector<PipelineConfig> pipelines;
  WebConfig web;
  IngestConfig ingest;
  ControlConfig control;
  RetentionConfig retention;
  // From --web.config.file: user → bcrypt hash; empty means no authentication.
  std::map<std::string, std::string> basic_auth_users;
  bool metrics_without_auth = false;
  std::vector<std::string> trusted_proxies;  // from --web.config.file
  std::optional<TlsServerConfig> tls;        // from --web.config.file
};

// One pipeline "default" on ./pipeline_events.db (SPEC §6, no config file).
Config DefaultConfig();

}  // namespace pipeline_exporter

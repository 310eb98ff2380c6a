#include "exporter/config/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <set>

#include "exporter/config/duration.h"
#include "exporter/config/yaml_file.h"
#include "exporter/util/http_url.h"
#include "exporter/util/utf8.h"

namespace pipeline_exporter {
namespace {

std::string Printable(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  for (const char c : message) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

ConfigError::ConfigError(const std::string& message) : std::runtime_error(Printable(message)) {}

namespace {

[[noreturn]] void Fail(const std::string& key, const std::string& what) {
  throw ConfigError(key + ": " + what);
}

std::string Expand(const std::string& value, const EnvLookup& env, const std::string& key) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '$' && i + 1 < value.size() && value[i + 1] == '{') {
      const auto close = value.find('}', i + 2);
      if (close == std::string::npos) Fail(key, "unterminated ${ in \"" + value + "\"");
      const std::string name = value.substr(i + 2, close - i - 2);
      if (name.empty()) Fail(key, "empty ${} in \"" + value + "\"");
      out += env(name).value_or("");
      i = close;
    } else {
      out += value[i];
    }
  }
  return out;
}

class Reader {
 public:
  explicit Reader(const EnvLookup& env) : env_(env) {}

  void CheckKeys(const YAML::Node& node, const std::string& key,
                 const std::set<std::string>& allowed) const {
    if (!node.IsMap()) Fail(key.empty() ? "top level" : key, "must be a mapping");
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) Fail(key.empty() ? "top level" : key, "keys must be plain names");
      const std::string name = kv.first.Scalar();
      if (!allowed.count(name)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        Fail(Join(key, name), "unknown key (allowed: " + list + ")");
      }
    }
  }

  static std::string Join(const std::string& parent, const std::string& child) {
    return parent.empty() ? child : parent + "." + child;
  }

  std::string Str(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) Fail(key, "must be a single value");
    return Expand(node.Scalar(), env_, key);
  }

  std::int64_t Int(const YAML::Node& node, const std::string& key, std::int64_t min,
                   std::int64_t max) const {
    const std::string s = Str(node, key);
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno != 0)
      Fail(key, "must be a whole number, got \"" + s + "\"");
    if (v < min || v > max) {
      Fail(key,
           "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + s);
    }
    return v;
  }

  bool Bool(const YAML::Node& node, const std::string& key) const {
    const std::string s = Str(node, key);
    if (s == "true") return true;
    if (s == "false") return false;
    Fail(key, "must be true or false, got \"" + s + "\"");
  }

  std::int64_t Duration(const YAML::Node& node, const std::string& key, std::int64_t min_ms) const {
    const std::string s = Str(node, key);
    const auto ms = ParseDuration(s);
    if (!ms) Fail(key, "invalid duration \"" + s + "\" (examples: 500ms, 30s, 7d, 1h30m)");
    if (*ms < min_ms) Fail(key, "must be at least " + std::to_string(min_ms) + "ms, got " + s);
    return *ms;
  }

  std::string Label(const YAML::Node& node, const std::string& key) const {
    const std::string s = Str(node, key);
    if (s.empty() || s.size() > 64) Fail(key, "must be 1 to 64 characters");
    if (!IsValidUtf8(s)) Fail(key, "must be valid UTF-8");
    for (unsigned char c : s) {
      if (c < 0x20 || c == 0x7F) Fail(key, "must not contain control characters");
    }
    return s;
  }

 private:
  const EnvLookup& env_;
};

std::vector<double> ReadBuckets(const Reader& r, const YAML::Node& node, const std::string& key) {
  if (!node.IsSequence() || node.size() == 0) Fail(key, "must be a non-empty list of numbers");
  std::vector<double> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string k = key + "[" + std::to_string(i) + "]";
    const std::string s = r.Str(node[i], k);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(v)) Fail(k, "must be a finite number");
    if (!out.empty() && v <= out.back()) Fail(k, "buckets must be strictly increasing");
    out.push_back(v);
  }
  return out;
}

PipelineConfig ReadPipeline(const Reader& r, const YAML::Node& node, const std::string& key) {
  r.CheckKeys(node, key,
              {"name", "database", "table", "control_table", "poll_interval", "replay",
               "baseline_batches", "max_stages", "stages", "gap_grace_period", "eta_window",
               "max_batches", "max_workers", "max_substages", "deadline"});
  PipelineConfig p;
  if (!node["name"]) Fail(key + ".name", "is required");
  p.spec.name = r.Label(node["name"], key + ".name");
  if (node["database"]) {
    p.database = r.Str(node["database"], key + ".database");
    if (p.database.rfind("sqlite3://", 0) != 0 && p.database.rfind("mysql://", 0) != 0 &&
        p.database.rfind("postgresql://", 0) != 0) {
      Fail(key + ".database",
           "must start with sqlite3://, mysql:// or postgresql:// (a SOCI connect string)");
    }
  }
  auto identifier = [&](const char* name, std::string& out) {
    if (!node[name]) return;
    const std::string k = key + "." + name;
    out = r.Str(node[name], k);
    bool ok = !out.empty() && out.size() <= 64 && !std::isdigit(static_cast<unsigned char>(out[0]));
    for (char c : out) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!ok) Fail(k, "must be a plain SQL identifier (letters, digits, _)");
  };
  identifier("table", p.table);
  identifier("control_table", p.control_table);
  if (node["poll_interval"]) {
    p.poll_interval =
        std::chrono::milliseconds(r.Duration(node["poll_interval"], key + ".poll_interval", 10));
  }
  if (node["replay"]) p.replay_ms = r.Duration(node["replay"], key + ".replay", 0);
  if (node["gap_grace_period"]) {
    p.gap_grace_ms = r.Duration(node["gap_grace_period"], key + ".gap_grace_period", 0);
  }
  if (node["eta_window"])
    p.spec.eta_window_ms = r.Duration(node["eta_window"], key + ".eta_window", 1000);
  if (node["deadline"]) {
    p.spec.batch_deadline_ms = r.Duration(node["deadline"], key + ".deadline", 1000);
  }
  if (node["baseline_batches"]) {
    p.spec.baseline_batches = static_cast<std::size_t>(
        r.Int(node["baseline_batches"], key + ".baseline_batches", 1, 1000));
  }
  if (node["max_stages"]) {
    p.spec.max_stages =
        static_cast<std::size_t>(r.Int(node["max_stages"], key + ".max_stages", 1, 1000));
  }
  if (node["max_batches"]) {
    p.spec.max_batches_kept =
        static_cast<std::size_t>(r.Int(node["max_batches"], key + ".max_batches", 2, 100000));
  }
  if (node["max_workers"]) {
    p.spec.max_workers =
        static_cast<std::size_t>(r.Int(node["max_workers"], key + ".max_workers", 1, 1000));
  }
  if (node["max_substages"]) {
    p.spec.max_substages =
        static_cast<std::size_t>(r.Int(node["max_substages"], key + ".max_substages", 1, 1000));
  }
  if (const auto stages = node["stages"]) {
    const std::string sk = key + ".stages";
    if (!stages.IsSequence()) Fail(sk, "must be a list of {id, title}");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < stages.size(); ++i) {
      const std::string k = sk + "[" + std::to_string(i) + "]";
      StageSpec s;
      if (stages[i].IsScalar()) {
        s.id = r.Label(stages[i], k);
      } else {
        r.CheckKeys(stages[i], k, {"id", "title"});
        if (!stages[i]["id"]) Fail(k + ".id", "is required");
        s.id = r.Label(stages[i]["id"], k + ".id");
        if (stages[i]["title"]) s.title = r.Str(stages[i]["title"], k + ".title");
      }
      if (!seen.insert(s.id).second) Fail(k + ".id", "duplicate stage \"" + s.id + "\"");
      p.spec.stages.push_back(std::move(s));
    }
    if (p.spec.stages.size() > p.spec.max_stages) {
      Fail(sk, "has " + std::to_string(p.spec.stages.size()) + " stages, more than max_stages (" +
                   std::to_string(p.spec.max_stages) + ")");
    }
  }
  return p;
}

RetentionConfig ReadRetention(const Reader& r, const YAML::Node& node) {
  RetentionConfig c;
  r.CheckKeys(node, "retention",
              {"enabled", "older_than", "keep_batches", "interval", "batch_size", "stall_after"});
  if (node["enabled"]) c.enabled = r.Bool(node["enabled"], "retention.enabled");
  if (node["older_than"]) {
    c.older_than_ms = r.Duration(node["older_than"], "retention.older_than", 60 * 1000);
  }
  if (node["keep_batches"]) {
    c.keep_batches =
        static_cast<std::size_t>(r.Int(node["keep_batches"], "retention.keep_batches", 0, 1000000));
  }
  if (node["interval"]) c.interval_ms = r.Duration(node["interval"], "retention.interval", 100);
  if (node["batch_size"]) {
    c.batch_size =
        static_cast<std::size_t>(r.Int(node["batch_size"], "retention.batch_size", 1, 1000000));
  }
  if (node["stall_after"]) {
    c.stall_after_ms = r.Duration(node["stall_after"], "retention.stall_after", 0);
  }
  return c;
}

Config ParseLoaded(const YAML::Node& root, const EnvLookup& env) {
  Reader r(env);
  Config c;
  if (root.IsNull()) Fail("pipelines", "is required");
  r.CheckKeys(root, "",
              {"pipelines", "web", "ingest", "control", "retention", "histogram_buckets"});
  std::vector<double> buckets = DefaultHistogramBuckets();
  if (root["histogram_buckets"])
    buckets = ReadBuckets(r, root["histogram_buckets"], "histogram_buckets");

  const auto pipelines = root["pipelines"];
  if (!pipelines || !pipelines.IsSequence() || pipelines.size() == 0) {
    Fail("pipelines", "must be a non-empty list");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < pipelines.size(); ++i) {
    const std::string key = "pipelines[" + std::to_string(i) + "]";
    PipelineConfig p = ReadPipeline(r, pipelines[i], key);
    if (!names.insert(p.spec.name).second)
      Fail(key + ".name", "duplicate pipeline \"" + p.spec.name + "\"");
    p.spec.histogram_buckets = buckets;
    c.pipelines.push_back(std::move(p));
  }

  if (const auto web = root["web"]) {
    r.CheckKeys(
        web, "web",
        {"max_sse_clients", "grafana_url", "sse_heartbeat", "alertmanager_url", "trusted_origins"});
    if (web["sse_heartbeat"]) {
      c.web.sse_heartbeat_ms = r.Duration(web["sse_heartbeat"], "web.sse_heartbeat", 100);
    }
    if (web["max_sse_clients"]) {
      c.web.max_sse_clients =
          static_cast<std::size_t>(r.Int(web["max_sse_clients"], "web.max_sse_clients", 1, 1000));
    }
    if (web["grafana_url"]) c.web.grafana_url = r.Str(web["grafana_url"], "web.grafana_url");
    if (web["alertmanager_url"]) {
      c.web.alertmanager_url = r.Str(web["alertmanager_url"], "web.alertmanager_url");
      std::string why;
      if (!c.web.alertmanager_url.empty() && !ParseHttpUrl(c.web.alertmanager_url, &why)) {
        Fail("web.alertmanager_url", why);
      }
    }
    if (const auto origins = web["trusted_origins"]) {
      if (!origins.IsSequence()) {
        Fail("web.trusted_origins", "must be a list of origins (https://host[:port])");
      }
      for (std::size_t i = 0; i < origins.size(); ++i) {
        const std::string key = "web.trusted_origins[" + std::to_string(i) + "]";
        const std::string origin = r.Str(origins[i], key);
        if (!NormalizeOrigin(origin)) {
          Fail(key,
               "\"" + origin + "\" is not an origin: scheme://host[:port], http or https, no path");
        }
        c.web.trusted_origins.push_back(origin);
      }
    }
  }
  if (const auto ingest = root["ingest"]) {
    r.CheckKeys(ingest, "ingest", {"enabled", "token", "max_body_bytes"});
    if (ingest["enabled"]) c.ingest.enabled = r.Bool(ingest["enabled"], "ingest.enabled");
    if (ingest["token"]) c.ingest.token = r.Str(ingest["token"], "ingest.token");
    if (ingest["max_body_bytes"]) {
      c.ingest.max_body_bytes = static_cast<std::size_t>(
          r.Int(ingest["max_body_bytes"], "ingest.max_body_bytes", 1024, 64LL << 20));
    }
    // An enabled ingest without a token would let anyone write events (SPEC §8).
    if (c.ingest.enabled && c.ingest.token.empty()) {
      throw ConfigError(
          "ingest.token: must not be empty when ingest.enabled is true (is the variable it "
          "names set?)");
    }
  }
  if (const auto control = root["control"]) {
    r.CheckKeys(control, "control", {"enabled", "token", "token_name"});
    if (control["enabled"]) c.control.enabled = r.Bool(control["enabled"], "control.enabled");
    if (control["token"]) c.control.token = r.Str(control["token"], "control.token");
    if (control["token_name"]) {
      c.control.token_name = r.Str(control["token_name"], "control.token_name");
      const auto& n = c.control.token_name;
      if (n.empty() || n.size() > 64 ||
          n.find_first_not_of(
              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-") !=
              std::string::npos) {
        Fail("control.token_name", "must be 1 to 64 letters, digits or ._@-");
      }
    }
  }
  if (const auto retention = root["retention"]) {
    c.retention = ReadRetention(r, retention);
  }
  return c;
}

}  // namespace

Config ParseConfig(const std::string& yaml_text, const EnvLookup& env) {
  return ParseYaml(yaml_text, [&env](const YAML::Node& root) { return ParseLoaded(root, env); });
}

Config LoadConfigFile(const std::string& path) {
  return ParseFile(path, [](const std::string& text) {
    return ParseConfig(text, [](const std::string& name) -> std::optional<std::string> {
      const char* v = std::getenv(name.c_str());
      if (!v) return std::nullopt;
      return std::string(v);
    });
  });
}

}  // namespace pipeline_exporter

#include "exporter/config/flags.h"

#include <cstdlib>
#include <functional>
#include <map>

namespace pipeline_exporter {
namespace {

using Setter = std::function<std::optional<std::string>(Flags&, const std::string&)>;

Setter Text(std::string Flags::*field) {
  return [field](Flags& f, const std::string& v) -> std::optional<std::string> {
    f.*field = v;
    return std::nullopt;
  };
}

Setter OneOf(std::string Flags::*field, std::vector<std::string> allowed) {
  return [field, allowed](Flags& f, const std::string& v) -> std::optional<std::string> {
    for (const auto& a : allowed) {
      if (a == v) {
        f.*field = v;
        return std::nullopt;
      }
    }
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : "|") + a;
    return "must be one of " + list + ", got \"" + v + "\"";
  };
}

const std::map<std::string, Setter>& ValueFlags() {
  static const std::map<std::string, Setter> kFlags = {
      {"config.file", Text(&Flags::config_file)},
      {"web.listen-address", Text(&Flags::listen_address)},
      {"web.config.file", Text(&Flags::web_config_file)},
      {"web.telemetry-path",
       [](Flags& f, const std::string& v) -> std::optional<std::string> {
         if (v.empty() || v[0] != '/') return "must start with /, got \"" + v + "\"";
         f.telemetry_path = v;
         return std::nullopt;
       }},
      {"log.level", OneOf(&Flags::log_level, {"debug", "info", "warn", "error"})},
      {"log.format", OneOf(&Flags::log_format, {"logfmt", "json"})},
      {"demo.speed",
       [](Flags& f, const std::string& v) -> std::optional<std::string> {
         char* end = nullptr;
         const double speed = std::strtod(v.c_str(), &end);
         if (v.empty() || *end != '\0' || !(speed > 0 && speed <= 100)) {
           return "must be a number in (0, 100], got \"" + v + "\"";
         }
         f.demo_speed = speed;
         return std::nullopt;
       }},
  };
  return kFlags;
}

const std::map<std::string, bool Flags::*>& BoolFlags() {
  static const std::map<std::string, bool Flags::*> kFlags = {
      {"version", &Flags::version}, {"help", &Flags::help}, {"demo", &Flags::demo}};
  return kFlags;
}

}  // namespace

FlagsResult ParseFlags(const std::vector<std::string>& args) {
  FlagsResult r;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h") {
      r.flags.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      r.error = "unexpected argument \"" + arg + "\"";
      return r;
    }
    const auto eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (auto b = BoolFlags().find(name); b != BoolFlags().end()) {
      bool value = true;
      if (eq != std::string::npos) {
        const std::string v = arg.substr(eq + 1);
        if (v != "true" && v != "false") {
          r.error = "--" + name + " takes true or false, got \"" + v + "\"";
          return r;
        }
        value = v == "true";
      }
      r.flags.*(b->second) = value;
      continue;
    }
    auto s = ValueFlags().find(name);
    if (s == ValueFlags().end()) {
      r.error = "unknown flag --" + name;
      return r;
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      r.error = "--" + name + " needs a value";
      return r;
    }
    if (auto err = s->second(r.flags, value)) {
      r.error = "--" + name + ": " + *err;
      return r;
    }
  }
  return r;
}

std::string FlagsUsage() {
  return R"(usage: pipeline_exporter [flags]

Tails a pipeline event-log table and serves Prometheus metrics, a live page and a JSON API.

Flags:
  --config.file=FILE           YAML configuration (default: one pipeline "default" on
                               SQLite ./pipeline_events.db, created if missing)
  --web.listen-address=ADDR    address to listen on (default ":5066"; "127.0.0.1:5066" for
                               loopback only; port 0 picks a free port)
  --web.config.file=FILE       web configuration (exporter-toolkit format): basic_auth_users
                               with bcrypt hashes, tls_server_config for HTTPS
  --web.telemetry-path=PATH    path of the metrics (default "/metrics")
  --log.level=LEVEL            debug|info|warn|error (default "info")
  --log.format=FORMAT          logfmt|json (default "logfmt")
  --demo                       simulate a 10-stage pipeline writing into the configured
                               database, so every metric moves
  --demo.speed=X               demo speed factor (default 1: a batch takes about a minute)
  --version                    print the version and exit
  --help                       print this help and exit

Retention: pipeline_exporter prune [--older-than=30d] [--keep-batches=N] [--dry-run] ...
deletes whole old batches from the event table (pipeline_exporter prune --help).
)";
}

}  // namespace pipeline_exporter

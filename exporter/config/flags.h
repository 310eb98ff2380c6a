#pragma once
// Command-line flags in the Prometheus exporters' style (--name=value or --name value).
// Pure parsing; thread-safe.

#include <optional>
#include <string>
#include <vector>

namespace pipeline_exporter {

struct Flags {
  std::string config_file;  // empty: built-in default (SPEC §6)
  std::string listen_address = ":5066";
  std::string web_config_file;
  std::string telemetry_path = "/metrics";
  std::string log_level = "info";
  std::string log_format = "logfmt";
  bool version = false;
  bool help = false;
  bool demo = false;
  double demo_speed = 1.0;
};

struct FlagsResult {
  Flags flags;
  std::optional<std::string> error;  // set when the command line is wrong
};

FlagsResult ParseFlags(const std::vector<std::string>& args);

std::string FlagsUsage();

}  // namespace pipeline_exporter

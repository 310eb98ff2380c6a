#pragma once
// Reads the YAML configuration (SPEC §6): `${ENV_VAR}` references in values are expanded
// (unset variables become empty), durations are Prometheus-style, unknown keys are errors,
// and every error names the key it is about. Stateless; thread-safe.

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "exporter/config/config.h"

namespace pipeline_exporter {

// A bad configuration: the message names the key. Control characters copied into it from
// the file (a NUL in a key, say) are shown as \xNN, so the message prints whole on one line.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message);
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses YAML text. Throws ConfigError.
Config ParseConfig(const std::string& yaml_text, const EnvLookup& env);

// Reads and parses a file, with the process environment. Throws ConfigError whose message
// starts with the file name.
Config LoadConfigFile(const std::string& path);

}  // namespace pipeline_exporter

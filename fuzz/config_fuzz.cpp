// Fuzz target: any bytes as the YAML of --config.file and of --web.config.file. Invariant:
// the only way to fail is a ConfigError (a clear message naming the key); any other
// exception, crash or hang is a bug. A config that parses has the invariants the exporter
// relies on at start-up.

#include <optional>
#include <string>

#include "exporter/config/config_loader.h"
#include "exporter/config/web_config.h"
#include "fuzz/fuzz_check.h"

namespace pe = pipeline_exporter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const pe::EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "PE_FUZZ_SET") return std::string("value");
    return std::nullopt;
  };
  try {
    const pe::Config c = pe::ParseConfig(text, env);
    FUZZ_CHECK(!c.pipelines.empty());
    for (const auto& p : c.pipelines) FUZZ_CHECK(!p.spec.name.empty());
  } catch (const pe::ConfigError& e) {
    FUZZ_CHECK(e.what()[0] != '\0');
  }
  try {
    const pe::WebAuthConfig w = pe::ParseWebConfig(text);
    for (const auto& [user, hash] : w.basic_auth_users) FUZZ_CHECK(!hash.empty());
  } catch (const pe::ConfigError& e) {
    FUZZ_CHECK(e.what()[0] != '\0');
  }
  return 0;
}

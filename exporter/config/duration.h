#pragma once
// Prometheus-style durations: one or more <number><unit> parts, units ms s m h d w y,
// largest first ("500ms", "7d", "1h30m"). Pure; thread-safe.

#include <cstdint>
#include <optional>
#include <string_view>

namespace pipeline_exporter {

// Milliseconds, or nullopt when `text` is not a duration.
std::optional<std::int64_t> ParseDuration(std::string_view text);

}  // namespace pipeline_exporter

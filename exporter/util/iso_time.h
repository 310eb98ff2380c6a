#pragma once
// Epoch milliseconds as ISO 8601 / RFC 3339 UTC with milliseconds ("2026-12-02T03:50:00.123Z"),
// as the JSON API and Alertmanager's API write times. Pure; thread-safe.

#include <cstdint>
#include <string>

namespace pipeline_exporter {

std::string IsoTime(std::int64_t epoch_ms);

}  // namespace pipeline_exporter

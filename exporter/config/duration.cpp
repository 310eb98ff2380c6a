#include "exporter/config/duration.h"

#include <array>
#include <limits>
#include <utility>

namespace pipeline_exporter {

std::optional<std::int64_t> ParseDuration(std::string_view text) {
  constexpr std::array<std::pair<std::string_view, std::int64_t>, 7> kUnits = {{
      {"y", 365LL * 24 * 3600 * 1000},
      {"w", 7LL * 24 * 3600 * 1000},
      {"d", 24LL * 3600 * 1000},
      {"h", 3600LL * 1000},
      {"m", 60LL * 1000},
      {"s", 1000},
      {"ms", 1},
  }};
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t last_unit = 0;  // units must appear largest first, each at most once
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    const std::size_t digits_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
      n = n * 10 + (text[i] - '0');
      ++i;
    }
    if (i == digits_start) return std::nullopt;
    std::size_t unit_end = i;
    while (unit_end < text.size() && text[unit_end] >= 'a' && text[unit_end] <= 'z') ++unit_end;
    const std::string_view unit = text.substr(i, unit_end - i);
    std::size_t u = 0;
    while (u < kUnits.size() && kUnits[u].first != unit) ++u;
    if (u == kUnits.size() || u + 1 <= last_unit) return std::nullopt;
    last_unit = u + 1;
    if (n > std::numeric_limits<std::int64_t>::max() / kUnits[u].second) return std::nullopt;
    total += n * kUnits[u].second;
    if (total < 0) return std::nullopt;
    i = unit_end;
  }
  return total;
}

}  // namespace pipeline_exporter

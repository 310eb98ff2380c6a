#pragma once
// The elements of a comma-separated request header list (Accept, Accept-Encoding):
// `token;param=value;q=0.5, …`. Bounded: at most kMaxHeaderListElements elements are read
// (a hostile header costs no more). The views point into the header. Pure; thread-safe.

#include <cstddef>
#include <string_view>
#include <vector>

namespace pipeline_exporter {

inline constexpr std::size_t kMaxHeaderListElements = 32;

struct HeaderElement {
  std::string_view token;    // lower-cased comparison is the caller's: see TokenIs
  double q = 1;              // the q parameter, 1 when absent, 0 when unreadable
  std::string_view version;  // the version parameter, empty when absent
};

std::vector<HeaderElement> ParseHeaderList(std::string_view header);

// Case-insensitive comparison of a token with a lower-case name.
bool TokenIs(std::string_view token, std::string_view lower_name);

}  // namespace pipeline_exporter

#pragma once
// Quoting for logfmt values: every log line is `key=value …`, and a value taken from the
// database or an error text must not be able to add keys or lines. Pure; thread-safe.

#include <string>
#include <string_view>

namespace pipeline_exporter {

// "text" with ", \ and control characters escaped, always quoted.
std::string LogfmtQuote(std::string_view text);

}  // namespace pipeline_exporter

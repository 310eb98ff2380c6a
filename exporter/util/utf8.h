#pragma once
// UTF-8 well-formedness (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
// Pure function; thread-safe.

#include <string_view>

namespace pipeline_exporter {

bool IsValidUtf8(std::string_view text);

}  // namespace pipeline_exporter

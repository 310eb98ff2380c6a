#pragma once
// Process-wide logging set-up (spdlog to stderr). Every log line is written as logfmt
// key=value pairs; with format "json" the same pairs become one JSON object per line.

#include <string>

namespace pipeline_exporter {

// level: debug|info|warn|error; format: logfmt|json (validated by the flag parser).
void ConfigureLogging(const std::string& level, const std::string& format);

// logfmt pairs → JSON members (without braces), e.g. `a=1 b="x y"` → `"a":"1","b":"x y"`.
// Exposed for tests.
std::string LogfmtToJsonMembers(const std::string& logfmt);

}  // namespace pipeline_exporter

#pragma once
// Strict parsing of the JSON API's query and path parameters (SPEC §5): a parameter that is
// present but malformed is an error naming it (HTTP 400), never a silent default. The values
// produced are bound into SQL by the caller, never spliced. Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "exporter/core/ports/log_search.h"
#include "exporter/http/http_types.h"

namespace pipeline_exporter {

// Largest `q` (search text) accepted by the log endpoint, in bytes.
inline constexpr std::size_t kMaxSearchLength = 200;

// A positive whole number of at most 18 digits ("1" … "999999999999999999"); nullopt for
// anything else (sign, spaces, zero, hex, overflow).
std::optional<std::int64_t> ParsePositiveId(std::string_view text);

// 400 "invalid parameter NAME" with the reason.
HttpResponse BadParam(const std::string& name, const std::string& why);

// An optional positive id parameter: nullopt when absent or empty; sets *error (status 400)
// when present but not a positive whole number.
std::optional<std::int64_t> IdParam(const HttpRequest& r, const std::string& name,
                                    HttpResponse* error);

// `limit`: `def` when absent or empty; 1…max otherwise, else *error is set and `def` returned.
std::size_t LimitParam(const HttpRequest& r, std::size_t def, std::size_t max, HttpResponse* error);

// The filters of GET /api/batch/{id}/logs: stage, type (one of the closed set), q (search,
// at most kMaxSearchLength bytes), before_id, limit (1…1000, default 100). nullopt with *error
// set when any is invalid.
std::optional<LogFilter> LogFilterParams(const HttpRequest& r, std::int64_t batch_id,
                                         HttpResponse* error);

}  // namespace pipeline_exporter

#pragma once
// Reading the fields of a JSON request body (POST /api/batch/{id}/control,
// POST /api/alerts/silence) with the same strictness as the query parameters: a field that is
// present but of the wrong kind or too long is a 400 naming it. Pure functions; thread-safe.

#include <cstddef>
#include <string>

#include "exporter/http/api_json.h"
#include "exporter/http/http_types.h"

namespace pipeline_exporter {

// An optional text field of `body` (absent or null: *out stays empty): UTF-8 of at most
// `max_bytes`. False with *error set (400 "invalid NAME") otherwise.
bool OptionalTextField(const Json& body, const std::string& name, std::size_t max_bytes,
                       std::string* out, HttpResponse* error);

}  // namespace pipeline_exporter

#pragma once
// `Authorization: Bearer <token>` checked against a configured token in constant time (the
// time taken does not reveal how much matched): ingest and batch control. Pure; thread-safe.

#include <string>

#include "exporter/http/http_types.h"

namespace pipeline_exporter {

// False when `token` is empty, the header is missing or not a Bearer one, or it differs.
bool BearerTokenMatches(const HttpRequest& request, const std::string& token);

// The 401 that asks for the token.
HttpResponse BearerChallenge();

}  // namespace pipeline_exporter

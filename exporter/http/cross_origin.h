#pragma once
// The one cross-origin rule for requests that change something (every method but GET, HEAD and
// OPTIONS), as Go 1.25's net/http CrossOriginProtection decides it: a browser that says the
// request comes from another origin (`Sec-Fetch-Site` other than `same-origin` or `none`) is
// refused; without that header, an `Origin` whose host[:port] is not the request's `Host` is
// refused; an origin listed in `web.trusted_origins` (a reverse proxy's public address) passes
// both. A request with neither header is not a browser's cross-site request (curl, the Python
// library, a cron job) and passes. And a JSON endpoint takes only `Content-Type:
// application/json`, which no HTML form can send and which makes a cross-origin fetch ask
// first (CORS stays off, so it is never allowed). Immutable after construction; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/http/http_types.h"

namespace pipeline_exporter {

// Why a request was refused; the `reason` label of
// pipeline_exporter_http_cross_origin_refused_total.
enum class CrossOriginRefusal { kSecFetchSite, kOrigin, kContentType };

std::string_view CrossOriginRefusalName(CrossOriginRefusal r);

class CrossOriginGuard {
 public:
  // `trusted_origins` as NormalizeOrigin (util/http_url.h) takes them; throws
  // std::invalid_argument naming one that is not an origin.
  explicit CrossOriginGuard(const std::vector<std::string>& trusted_origins = {});

  // nullopt when `request` may go on. `json_body`: the route reads a JSON body.
  std::optional<CrossOriginRefusal> Check(const HttpRequest& request, bool json_body) const;

  // The 403 or 415 answer for a refusal (a JSON error that says what to do).
  static HttpResponse Answer(CrossOriginRefusal refusal);

  // Whether a Content-Type header value is application/json (parameters such as charset
  // allowed, case-insensitive).
  static bool IsJson(std::string_view content_type);

 private:
  std::vector<std::string> trusted_;  // normalized
};

}  // namespace pipeline_exporter

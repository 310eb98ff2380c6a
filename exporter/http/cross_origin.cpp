#include "exporter/http/cross_origin.h"

#include <algorithm>
#include <stdexcept>

#include "exporter/http/header_list.h"
#include "exporter/util/http_url.h"

namespace pipeline_exporter {
namespace {

// The one token of a header value (`application/json; charset=utf-8` → `application/json`),
// blanks trimmed; empty when the value is not a single token.
std::string_view OneToken(std::string_view value) {
  const auto elements = ParseHeaderList(value);
  return elements.size() == 1 ? elements.front().token : std::string_view();
}

}  // namespace

std::string_view CrossOriginRefusalName(CrossOriginRefusal r) {
  switch (r) {
    case CrossOriginRefusal::kSecFetchSite:
      return "sec_fetch_site";
    case CrossOriginRefusal::kOrigin:
      return "origin";
    case CrossOriginRefusal::kContentType:
      return "content_type";
  }
  return "";
}

bool CrossOriginGuard::IsJson(std::string_view content_type) {
  return TokenIs(OneToken(content_type), "application/json");
}

CrossOriginGuard::CrossOriginGuard(const std::vector<std::string>& trusted_origins) {
  for (const auto& o : trusted_origins) {
    auto parsed = NormalizeOrigin(o);
    if (!parsed) {
      throw std::invalid_argument("\"" + o + "\" is not an origin (scheme://host[:port])");
    }
    trusted_.push_back(std::move(*parsed));
  }
}

std::optional<CrossOriginRefusal> CrossOriginGuard::Check(const HttpRequest& r,
                                                          bool json_body) const {
  if (r.method == "GET" || r.method == "HEAD" || r.method == "OPTIONS") return std::nullopt;
  const auto origin = r.Header("origin");
  const std::optional<std::string> parsed = origin ? NormalizeOrigin(*origin) : std::nullopt;
  const bool trusted =
      parsed && std::find(trusted_.begin(), trusted_.end(), *parsed) != trusted_.end();
  std::optional<CrossOriginRefusal> refusal;
  if (const auto site = r.Header("sec-fetch-site")) {
    const std::string_view s = OneToken(*site);
    if (!TokenIs(s, "same-origin") && !TokenIs(s, "none") && !trusted) {
      refusal = CrossOriginRefusal::kSecFetchSite;
    }
  } else if (origin) {
    // Host carries no scheme: an origin matches it by host and port, the origin's scheme
    // giving the port when Host names none (as Go's rule fails open on the scheme).
    bool same = false;
    if (parsed) {
      const auto sep = parsed->find("://");
      const int default_port = parsed->compare(0, sep, "https") == 0 ? 443 : 80;
      const auto host = NormalizeAuthority(r.Header("host").value_or(""), default_port);
      same = host && parsed->compare(sep + 3, std::string::npos, *host) == 0;
    }
    if (!same && !trusted) refusal = CrossOriginRefusal::kOrigin;
  }
  if (!refusal && json_body && !IsJson(r.Header("content-type").value_or(""))) {
    refusal = CrossOriginRefusal::kContentType;
  }
  return refusal;
}

HttpResponse CrossOriginGuard::Answer(CrossOriginRefusal refusal) {
  switch (refusal) {
    case CrossOriginRefusal::kSecFetchSite:
      return HttpResponse::JsonError(
          403, "cross-origin request refused",
          "the browser says this request comes from another site (Sec-Fetch-Site); behind a "
          "proxy, list its public origin in web.trusted_origins");
    case CrossOriginRefusal::kOrigin:
      return HttpResponse::JsonError(
          403, "cross-origin request refused",
          "the Origin header does not match the Host header; behind a proxy, list its public "
          "origin in web.trusted_origins");
    case CrossOriginRefusal::kContentType:
      break;
  }
  return HttpResponse::JsonError(415, "unsupported media type",
                                 "send the body as Content-Type: application/json");
}

}  // namespace pipeline_exporter

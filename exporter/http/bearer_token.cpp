#include "exporter/http/bearer_token.h"

#include <openssl/crypto.h>

namespace pipeline_exporter {

bool BearerTokenMatches(const HttpRequest& request, const std::string& token) {
  const std::string auth = request.Header("authorization").value_or("");
  if (token.empty() || auth.rfind("Bearer ", 0) != 0) return false;
  const std::string given = auth.substr(7);
  return given.size() == token.size() &&
         CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

HttpResponse BearerChallenge() {
  HttpResponse r =
      HttpResponse::JsonError(401, "unauthorized", "send Authorization: Bearer <token>");
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace pipeline_exporter

#pragma once
// HTTP basic authentication against bcrypt hashes (libxcrypt's crypt_r). Unknown users are
// checked against a dummy hash, so the time taken does not reveal which users exist; a
// client address with too many failures in a minute gets 429 until the minute is over;
// verified credentials are remembered, so a page making many requests pays bcrypt once.
// Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "exporter/http/http_types.h"
#include "exporter/util/clock.h"

namespace pipeline_exporter {

class BasicAuth {
 public:
  // `open_path` (may be empty) needs no credentials. The clock must outlive this object.
  BasicAuth(std::map<std::string, std::string> users, std::string open_path, const Clock& clock);

  // nullopt when the request may proceed; otherwise the 401 or 429 to send.
  std::optional<HttpResponse> Check(const HttpRequest& request);

  // The user name in a request's Basic credentials (meaningful once Check passed it).
  static std::string UserOf(const HttpRequest& request);

  static constexpr int kMaxFailuresPerMinute = 10;

 private:
  bool Verify(const std::string& user, const std::string& password);

  std::map<std::string, std::string> users_;
  std::string open_path_;
  const Clock& clock_;
  std::string dummy_hash_;
  std::mutex mu_;
  std::set<std::string> verified_;                                // "user:password" seen correct
  std::map<std::string, std::pair<std::int64_t, int>> failures_;  // address → (window start, count)
};

}  // namespace pipeline_exporter

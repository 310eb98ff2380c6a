#include "exporter/http/basic_auth.h"

#include <crypt.h>

#include <cstring>
#include <memory>

namespace pipeline_exporter {
namespace {

std::string Base64Decode(const std::string& in) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    if (c == '=') break;
    const auto pos = kChars.find(c);
    if (pos == std::string::npos) return {};
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((val >> bits) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool BcryptMatches(const std::string& password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
  return out && out[0] != '*' && ConstantTimeEquals(out, hash);
}

HttpResponse Unauthorized() {
  HttpResponse r = HttpResponse::JsonError(401, "unauthorized", "basic authentication required");
  r.headers.emplace_back("WWW-Authenticate",
                         "Basic realm=\"pipeline_exporter\", charset=\"UTF-8\"");
  return r;
}

}  // namespace

BasicAuth::BasicAuth(std::map<std::string, std::string> users, std::string open_path,
                     const Clock& clock)
    : users_(std::move(users)), open_path_(std::move(open_path)), clock_(clock) {
  // A real bcrypt hash of a random password at cost 10, for unknown users.
  char salt[64] = {};
  crypt_gensalt_rn("$2b$", 10, nullptr, 0, salt, sizeof salt);
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* h = crypt_r("no such user", salt, data.get());
  dummy_hash_ = h ? h : "";
}

bool BasicAuth::Verify(const std::string& user, const std::string& password) {
  const std::string key = user + ":" + password;
  {
    std::lock_guard lock(mu_);
    if (verified_.count(key)) return true;
  }
  auto it = users_.find(user);
  const bool ok =
      BcryptMatches(password, it == users_.end() ? dummy_hash_ : it->second) && it != users_.end();
  if (ok) {
    std::lock_guard lock(mu_);
    if (verified_.size() > 1000) verified_.clear();
    verified_.insert(key);
  }
  return ok;
}

std::string BasicAuth::UserOf(const HttpRequest& request) {
  const std::string auth = request.Header("authorization").value_or("");
  if (auth.rfind("Basic ", 0) != 0) return {};
  const std::string decoded = Base64Decode(auth.substr(6));
  return decoded.substr(0, decoded.find(':'));
}

std::optional<HttpResponse> BasicAuth::Check(const HttpRequest& request) {
  if (!open_path_.empty() && request.path == open_path_) return std::nullopt;
  const std::int64_t now = clock_.Now();
  {
    std::lock_guard lock(mu_);
    auto it = failures_.find(request.remote_addr);
    if (it != failures_.end() && now - it->second.first < 60'000 &&
        it->second.second >= kMaxFailuresPerMinute) {
      HttpResponse r =
          HttpResponse::JsonError(429, "too many failed logins", "try again in a minute");
      r.headers.emplace_back("Retry-After", "60");
      return r;
    }
  }
  const std::string auth = request.Header("authorization").value_or("");
  if (auth.rfind("Basic ", 0) == 0) {
    const std::string decoded = Base64Decode(auth.substr(6));
    const auto colon = decoded.find(':');
    if (colon != std::string::npos && Verify(decoded.substr(0, colon), decoded.substr(colon + 1))) {
      return std::nullopt;
    }
    std::lock_guard lock(mu_);
    auto& [start, count] = failures_[request.remote_addr];
    if (now - start >= 60'000) {
      start = now;
      count = 0;
    }
    ++count;
    if (failures_.size() > 10000) failures_.clear();
  }
  return Unauthorized();
}

}  // namespace pipeline_exporter

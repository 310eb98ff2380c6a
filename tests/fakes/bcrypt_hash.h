#pragma once
// A bcrypt hash of `password` for tests, at the lowest cost (4) so that tests stay fast.

#include <crypt.h>

#include <cstring>
#include <memory>
#include <string>

namespace pipeline_exporter {

inline std::string BcryptHash(const std::string& password, int cost = 4) {
  char salt[64] = {};
  crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, salt, sizeof salt);
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  return crypt_r(password.c_str(), salt, data.get());
}

}  // namespace pipeline_exporter

#include "exporter/http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>

namespace pipeline_exporter {
namespace {

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool IsIp(const std::string& s) {
  if (s.empty() || s.size() > 45) return false;
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

}  // namespace

std::string ClientAddress(const std::string& peer,
                          const std::map<std::string, std::string>& headers,
                          const std::vector<std::string>& trusted_proxies) {
  const auto trusted = [&](const std::string& a) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), a) != trusted_proxies.end();
  };
  if (!trusted(peer)) return peer;
  if (const auto xff = headers.find("x-forwarded-for"); xff != headers.end()) {
    const std::string& list = xff->second;
    std::string last_valid;
    for (std::size_t end = list.size();;) {
      const auto comma = end == 0 ? std::string::npos : list.rfind(',', end - 1);
      const std::size_t begin = comma == std::string::npos ? 0 : comma + 1;
      const std::string entry = Trim(list.substr(begin, end - begin));
      if (!IsIp(entry)) break;  // a forged or garbled entry: nothing left of it is believed
      if (!trusted(entry)) return entry;
      last_valid = entry;
      if (comma == std::string::npos) break;
      end = comma;
    }
    if (!last_valid.empty()) return last_valid;
  }
  if (const auto real = headers.find("x-real-ip"); real != headers.end()) {
    const std::string ip = Trim(real->second);
    if (IsIp(ip)) return ip;
  }
  return peer;
}

}  // namespace pipeline_exporter

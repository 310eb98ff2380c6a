#include "exporter/http/header_list.h"

#include <cctype>
#include <charconv>

namespace pipeline_exporter {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

// q is 0 to 1 with at most three decimals (RFC 9110 §12.4.2); anything else refuses.
double ParseQuality(std::string_view s) {
  double q = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), q);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !(q >= 0 && q <= 1)) return 0;
  return q;
}

}  // namespace

bool TokenIs(std::string_view token, std::string_view lower_name) {
  if (token.size() != lower_name.size()) return false;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(token[i])) != lower_name[i]) return false;
  }
  return true;
}

std::vector<HeaderElement> ParseHeaderList(std::string_view header) {
  std::vector<HeaderElement> out;
  while (!header.empty() && out.size() < kMaxHeaderListElements) {
    const auto comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const auto semi = part.find(';');
    HeaderElement e;
    e.token = Trim(part.substr(0, semi));
    std::string_view params =
        semi == std::string_view::npos ? std::string_view() : part.substr(semi + 1);
    while (!params.empty()) {
      const auto next = params.find(';');
      const std::string_view param = Trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      const auto eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view name = Trim(param.substr(0, eq));
      const std::string_view value = Unquote(Trim(param.substr(eq + 1)));
      if (TokenIs(name, "q")) {
        e.q = ParseQuality(value);
      } else if (TokenIs(name, "version")) {
        e.version = value;
      }
    }
    if (!e.token.empty()) out.push_back(e);
  }
  return out;
}

}  // namespace pipeline_exporter

#include "exporter/http/gzip.h"

#include <zlib.h>

#include <stdexcept>

namespace pipeline_exporter {

std::string Gzip(std::string_view data) {
  z_stream zs{};
  // Fastest level: a scrape pays for compression on every request, and metrics text
  // compresses well even so. 15 window bits + 16 selects the gzip wrapper rather than raw zlib.
  if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(zs.total_out);
  return out;
}

bool AcceptsGzip(std::string_view header) {
  std::size_t start = 0;
  while (start <= header.size()) {
    const auto comma = header.find(',', start);
    std::string_view part = header.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const auto semi = part.find(';');
    std::string_view coding = part.substr(0, semi);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (coding == "gzip" || coding == "*") {
      if (semi == std::string_view::npos) return true;
      const std::string_view params = part.substr(semi + 1);
      const auto q = params.find("q=");
      if (q == std::string_view::npos) return true;
      const std::string_view value = params.substr(q + 2);
      // q=0, q=0.0, q=0.00… refuse it.
      return value.find_first_not_of("0. ") != std::string_view::npos &&
             value.find_first_not_of("0. ") < value.find_first_of(", ;");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace pipeline_exporter

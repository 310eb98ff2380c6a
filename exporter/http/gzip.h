#pragma once
// gzip for response bodies (libdeflate). Thread-safe (one compressor per thread).

#include <string>
#include <string_view>

namespace pipeline_exporter {

std::string Gzip(std::string_view data);

// True when an Accept-Encoding header value admits gzip (and does not refuse it with q=0).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace pipeline_exporter

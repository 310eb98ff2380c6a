#include "exporter/http/metrics_handler.h"

#include <prometheus/metric_family.h>

#include "exporter/core/text_format.h"
#include "exporter/http/gzip.h"

namespace pipeline_exporter {

std::string MetricsHandler::Render() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto* c : collectables_) {
    auto f = c->Collect();
    families.insert(families.end(), std::make_move_iterator(f.begin()),
                    std::make_move_iterator(f.end()));
  }
  std::string out;
  // The output is about as large as last time: one allocation instead of a dozen regrowths.
  out.reserve(last_size_.load(std::memory_order_relaxed) * 11 / 10 + 4096);
  AppendTextFormat(families, out);
  last_size_.store(out.size(), std::memory_order_relaxed);
  return out;
}

HttpResponse MetricsHandler::operator()(const HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = HttpResponse::JsonError(405, "method not allowed", "use GET");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = Render();
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (auto enc = request.Header("accept-encoding"); enc && AcceptsGzip(*enc)) {
    r.body = Gzip(r.body);
    r.headers.emplace_back("Content-Encoding", "gzip");
  }
  return r;
}

}  // namespace pipeline_exporter

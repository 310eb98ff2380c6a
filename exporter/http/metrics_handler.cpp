#include "exporter/http/metrics_handler.h"

#include <prometheus/metric_family.h>

#include <algorithm>

#include "exporter/core/exposition/text_format.h"
#include "exporter/http/gzip.h"
#include "exporter/http/header_list.h"

namespace pipeline_exporter {

MetricsFormat MetricsHandler::Negotiate(std::string_view accept) {
  double open_metrics = 0;
  double text = 0;
  for (const HeaderElement& e : ParseHeaderList(accept)) {
    if (TokenIs(e.token, "application/openmetrics-text")) {
      if (e.version.empty() || e.version == "1.0.0" || e.version == "0.0.1") {
        open_metrics = std::max(open_metrics, e.q);
      }
    } else if (TokenIs(e.token, "text/plain")) {
      text = std::max(text, e.q);
    }
  }
  return open_metrics > 0 && open_metrics >= text ? MetricsFormat::kOpenMetrics
                                                  : MetricsFormat::kText004;
}

std::string MetricsHandler::Render(MetricsFormat format) const {
  Exposition all;
  for (const ExpositionSource* source : sources_) {
    Exposition x = source->Expose();
    if (format == MetricsFormat::kOpenMetrics && !x.exemplars.empty()) {
      all.exemplars.resize(all.families.size());
      all.exemplars.insert(all.exemplars.end(), std::make_move_iterator(x.exemplars.begin()),
                           std::make_move_iterator(x.exemplars.end()));
    }
    all.families.insert(all.families.end(), std::make_move_iterator(x.families.begin()),
                        std::make_move_iterator(x.families.end()));
  }
  std::string out;
  // The output is about as large as last time: one allocation instead of a dozen regrowths.
  out.reserve(last_size_.load(std::memory_order_relaxed) * 11 / 10 + 4096);
  if (format == MetricsFormat::kOpenMetrics) {
    AppendOpenMetrics(all.families, all.exemplars, out);
  } else {
    AppendTextFormat(all.families, out);
  }
  last_size_.store(out.size(), std::memory_order_relaxed);
  return out;
}

HttpResponse MetricsHandler::operator()(const HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = HttpResponse::JsonError(405, "method not allowed", "use GET");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  const auto accept = request.Header("accept");
  const MetricsFormat format = accept ? Negotiate(*accept) : MetricsFormat::kText004;
  HttpResponse r;
  r.content_type = format == MetricsFormat::kOpenMetrics
                       ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                       : "text/plain; version=0.0.4; charset=utf-8";
  r.body = Render(format);
  r.headers.emplace_back("Vary", "Accept, Accept-Encoding");
  if (auto enc = request.Header("accept-encoding"); enc && AcceptsGzip(*enc)) {
    r.body = Gzip(r.body);
    r.headers.emplace_back("Content-Encoding", "gzip");
  }
  return r;
}

}  // namespace pipeline_exporter

#include "exporter/http/page_handler.h"

#include "exporter/embedded_file.h"

namespace pipeline_exporter {
namespace {

std::string ContentType(const std::string& file) {
  auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return file.size() >= s.size() && file.compare(file.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

}  // namespace

HttpResponse PageHandler::Serve(const HttpRequest& request, const std::string& file) const {
  if (request.method != "GET" && request.method != "HEAD") {
    return HttpResponse::JsonError(405, "method not allowed", "use GET");
  }
  const EmbeddedFile* f = FindWebFile(file);
  if (!f) return HttpResponse::JsonError(404, "not found", request.path);
  HttpResponse r;
  r.content_type = ContentType(file);
  r.body = std::string(f->data);
  const std::string placeholder = "{{TELEMETRY_PATH}}";
  for (auto pos = r.body.find(placeholder); pos != std::string::npos;
       pos = r.body.find(placeholder, pos)) {
    r.body.replace(pos, placeholder.size(), telemetry_path_);
  }
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
                         "data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                         "form-action 'none'");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace pipeline_exporter

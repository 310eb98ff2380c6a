#pragma once
// GET / and the page's assets, from the files embedded out of web/ at build time.
// Nothing is read from disk. Thread-safe (immutable).

#include <string>

#include "exporter/http/http_types.h"

namespace pipeline_exporter {

class PageHandler {
 public:
  // `telemetry_path` replaces {{TELEMETRY_PATH}} in the page.
  explicit PageHandler(std::string telemetry_path) : telemetry_path_(std::move(telemetry_path)) {}

  // Serves web/<file>.
  HttpResponse Serve(const HttpRequest& request, const std::string& file) const;

 private:
  std::string telemetry_path_;
};

}  // namespace pipeline_exporter

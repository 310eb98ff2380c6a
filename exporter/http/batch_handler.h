#pragma once
// GET /api/batch/{id}/{stats|logs|errors|export} (SPEC §5), one resource. Every figure is the
// fold's: stats come from the store when it holds the batch, else from folding the rows of
// the batch's latest run with the same core code; errors are grouped by the core; export
// is streamed (chunked, a page of rows at a time, the fold running alongside, its stats
// last), so its memory does not grow with the batch and no session is held between pages.
// Thread-safe; borrows the registry.

#include <cstdint>

#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"

namespace pipeline_exporter {

struct BatchHandlerOptions {
  std::size_t export_page_rows = 64;    // rows with payloads read at once (≤ 48 MiB of text)
  std::size_t error_page_rows = 1000;   // error rows read at once
  std::size_t max_error_rows = 200000;  // rows grouped at most; the answer says when cut
  std::size_t max_search_rows = 20000;  // rows a filtered log request looks at, at most
};

class BatchHandler {
 public:
  explicit BatchHandler(const PipelineRegistry& registry, BatchHandlerOptions options = {})
      : registry_(registry), options_(options) {}

  // Every sub-resource; export is streamed to `out`.
  void Get(const HttpRequest& request, HttpStream& out) const;

  HttpResponse Stats(const ApiPipeline& p, std::int64_t batch_id) const;
  HttpResponse Logs(const HttpRequest& r, const ApiPipeline& p, std::int64_t batch_id) const;
  HttpResponse Errors(const ApiPipeline& p, std::int64_t batch_id) const;
  void Export(const ApiPipeline& p, std::int64_t batch_id, HttpStream& out) const;

 private:
  const PipelineRegistry& registry_;
  BatchHandlerOptions options_;
};

}  // namespace pipeline_exporter

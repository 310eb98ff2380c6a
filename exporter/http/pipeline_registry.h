#pragma once
// The pipelines the API serves, each with its fold (PipelineStore) and the row seams its
// handlers read and write through (declared in exporter/core/ports; the app wires
// the SOCI implementations, tests the fakes). Resolves a request's `pipeline` parameter.
// Thread-safe (immutable after construction); borrows everything it holds.

#include <functional>
#include <string>
#include <vector>

#include "exporter/core/fold/pipeline_store.h"
#include "exporter/core/ports/batch_run_reader.h"
#include "exporter/core/ports/control_appender.h"
#include "exporter/core/ports/event_appender.h"
#include "exporter/core/ports/event_lookup.h"
#include "exporter/core/ports/events_after_reader.h"
#include "exporter/core/ports/log_search.h"
#include "exporter/core/ports/run_start_lister.h"
#include "exporter/http/http_types.h"

namespace pipeline_exporter {

struct ApiPipeline {
  PipelineStore* store = nullptr;
  BatchRunReader* runs = nullptr;
  EventLookup* lookup = nullptr;
  LogSearch* search = nullptr;
  EventsAfterReader* after = nullptr;
  RunStartLister* run_starts = nullptr;
  EventAppender* appender = nullptr;   // null unless ingest is enabled
  ControlAppender* control = nullptr;  // null unless batch control is enabled
  std::function<void()> nudge;         // makes the tail poll now (after an ingest)
};

class PipelineRegistry {
 public:
  explicit PipelineRegistry(std::vector<ApiPipeline> pipelines)
      : pipelines_(std::move(pipelines)) {}

  // The pipeline named by `?pipeline=` (optional when only one is configured); nullptr with
  // *error set (400 or 404) otherwise.
  const ApiPipeline* Resolve(const HttpRequest& request, HttpResponse* error) const;

  const std::vector<ApiPipeline>& all() const { return pipelines_; }

 private:
  std::vector<ApiPipeline> pipelines_;
};

// A JSON body with the given status (application/json).
HttpResponse JsonResponse(const std::string& body, int status = 200);

}  // namespace pipeline_exporter

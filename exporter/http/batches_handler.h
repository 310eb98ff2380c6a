#pragma once
// GET /api/batches?pipeline=P&limit=N&before=CURSOR (SPEC §5): the batch history, newest
// first by the start of each batch's latest run. Batches the fold holds are answered from
// it; older ones (past the replay window or max_batches_kept) are found by the rows that can
// begin a run (batch_start rows, each batch's first row) and folded from their rows by the same
// core code; ended ones are cached (they only change when corrected, which moves their run into the
// fold again). The cursor is the last line's run start id. Thread-safe (the cache has a mutex);
// borrows the registry.

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "exporter/core/fold/batch_summary.h"
#include "exporter/http/http_types.h"
#include "exporter/http/pipeline_registry.h"

namespace pipeline_exporter {

class BatchesHandler {
 public:
  explicit BatchesHandler(const PipelineRegistry& registry, std::size_t cache_size = 256)
      : registry_(registry), cache_size_(cache_size) {}
  HttpResponse Get(const HttpRequest& request) const;

 private:
  // The latest run of a batch the fold does not hold.
  std::optional<BatchSummary> Folded(const ApiPipeline& p, std::int64_t batch_id) const;

  const PipelineRegistry& registry_;
  const std::size_t cache_size_;
  struct Entry {
    std::string pipeline;
    std::int64_t batch_id;
    BatchSummary summary;
  };
  mutable std::mutex mu_;
  mutable std::list<Entry> lru_;  // most recent first
};

}  // namespace pipeline_exporter

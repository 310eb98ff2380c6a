#include "exporter/http/batches_handler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "exporter/core/fold/batch_fold.h"
#include "exporter/http/api_json.h"
#include "exporter/http/api_params.h"

namespace pipeline_exporter {

std::optional<BatchSummary> BatchesHandler::Folded(const ApiPipeline& p,
                                                   std::int64_t batch_id) const {
  {
    std::lock_guard lock(mu_);
    for (auto it = lru_.begin(); it != lru_.end(); ++it) {
      if (it->batch_id == batch_id && it->pipeline == p.store->name()) {
        lru_.splice(lru_.begin(), lru_, it);
        return it->summary;
      }
    }
  }
  const PipelineState state = FoldBatchRun(
      p.store->spec(), [&p](const RunPage& page) { return p.runs->ReadRun(page); }, batch_id);
  auto lines = state.History(std::nullopt, 1, p.store->Now());
  if (lines.empty()) return std::nullopt;
  if (IsOutcome(lines.front().status)) {
    std::lock_guard lock(mu_);
    lru_.push_front(Entry{p.store->name(), batch_id, lines.front()});
    if (lru_.size() > cache_size_) lru_.pop_back();
  }
  return lines.front();
}

HttpResponse BatchesHandler::Get(const HttpRequest& r) const {
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) return error;
  const auto before = IdParam(r, "before", &error);
  const std::size_t limit = LimitParam(r, 20, 500, &error);
  if (error.status != 200) return error;

  std::vector<BatchSummary> lines = p->store->History(before, limit);
  if (lines.size() < limit) {
    // Past what the fold holds: the run starts below the oldest line so far.
    std::int64_t below = before.value_or(std::numeric_limits<std::int64_t>::max());
    if (auto oldest = p->store->OldestRunStartId()) below = std::min(below, *oldest);
    std::vector<std::int64_t> seen;
    for (const auto& l : lines) seen.push_back(l.id);
    while (lines.size() < limit) {
      const auto starts = p->run_starts->ListRunStarts(below, limit - lines.size());
      if (starts.empty()) break;
      for (const StageEvent& start : starts) {
        below = start.id;
        if (std::find(seen.begin(), seen.end(), start.batch_id) != seen.end()) continue;
        seen.push_back(start.batch_id);
        // A batch the fold holds shows its newer run there; this row began an older one.
        if (p->store->Holds(start.batch_id)) continue;
        auto line = Folded(*p, start.batch_id);
        // Only the batch's latest run is a line, at its own start.
        if (line && line->run_start_id == start.id) lines.push_back(std::move(*line));
        if (lines.size() == limit) break;
      }
    }
  }
  Json list = Json::array();
  for (const auto& b : lines) list.push_back(BatchSummaryJson(b));
  Json body;
  body["batches"] = std::move(list);
  body["nextBefore"] = lines.size() == limit ? Json(lines.back().run_start_id) : Json(nullptr);
  const double typical = p->store->TypicalBatchDurationSeconds();
  body["typicalDurationSeconds"] = std::isfinite(typical) ? Json(typical) : Json(nullptr);
  return JsonResponse(Dump(body));
}

}  // namespace pipeline_exporter

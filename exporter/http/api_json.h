#pragma once
// How the JSON API and the event stream render the exporter's values: snapshots, events,
// batches. Unknown numbers (NaN) become null; times are ISO 8601 UTC with milliseconds plus
// epoch milliseconds; text that is not valid UTF-8 is repaired, never passed through.
// Pure functions; thread-safe.

#include <nlohmann/json.hpp>
#include <string>

#include "exporter/core/pipeline_snapshot.h"
#include "exporter/core/stage_event.h"
#include "exporter/source/event_queries.h"

namespace pipeline_exporter {

using Json = nlohmann::ordered_json;

std::string IsoTime(std::int64_t epoch_ms);

// The current batch with every stage's state (GET /api/current-batch, SSE snapshot).
Json SnapshotJson(const PipelineSnapshot& snapshot);

// One event without payloads; `invalid` names the reason when the row is rejected.
Json EventJson(const StageEvent& event, const std::optional<std::string>& error_message);

Json BatchSummaryJson(const BatchSummary& batch);

// One event with its (capped) payloads.
Json FullEventJson(const FullEvent& event);

// Serialised on one line (SSE data), invalid UTF-8 replaced.
std::string Dump(const Json& j);

// An SSE message: "id: N\nevent: TYPE\ndata: JSON\n\n". `type` must be one of the closed
// set of event types (or "snapshot"); `data` is one line.
std::string SseMessage(std::int64_t id, std::string_view type, const std::string& data);

}  // namespace pipeline_exporter

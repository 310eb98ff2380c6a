#pragma once
// How the JSON API and the event stream render the fold's values and the log's rows:
// snapshots, batches, events, error groups. Counts are integers, ratios and seconds numbers,
// unknown is null (SPEC §5); times are ISO 8601 UTC with milliseconds plus epoch
// milliseconds; text that is not valid UTF-8 is repaired, never passed through.
// Pure functions; thread-safe.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "exporter/core/fold/batch_summary.h"
#include "exporter/core/fold/error_groups.h"
#include "exporter/core/fold/pipeline_snapshot.h"
#include "exporter/core/fold/stage_event.h"
#include "exporter/core/fold/worker_figures.h"
#include "exporter/core/ports/alert_reader.h"
#include "exporter/util/iso_time.h"

namespace pipeline_exporter {

using Json = nlohmann::ordered_json;

// A batch's latest run with every stage's state (GET /api/current-batch, the SSE snapshot,
// GET /api/batch/{id}/stats, export's stats).
Json SnapshotJson(const PipelineSnapshot& snapshot);
// The parts of it: the batch, and one stage at catalog position `order` (the stream's
// `batch` and `stage` messages).
Json BatchJson(const BatchSnapshot& batch);
// One control request (a batch's control history, POST /api/batch/{id}/control's answer).
Json ControlJson(const ControlRequest& request);
Json StageJson(const StageSnapshot& stage, std::size_t order);
// One worker of one stage (GET /api/workers): its figures in the current batch ("batch") and
// since start ("sinceStart").
Json WorkerRowJson(const WorkerRow& row);
// The workers of one batch's run (GET /api/batch/{id}/stats): each worker that finished a file
// of it, per stage, with its figures in that run.
Json BatchWorkersJson(const std::vector<WorkerRow>& rows);

// One event without payloads; `invalid` names the reason when the row is rejected.
Json EventJson(const StageEvent& event);

// One event with its (capped) payloads.
Json FullEventJson(const StageEvent& event);

// One line of the batch history.
Json BatchSummaryJson(const BatchSummary& batch);

Json ErrorGroupsJson(std::int64_t batch_id, const ErrorGroups& groups);

// One of a pipeline's alerts (GET /api/alerts): its name, severity, summary and description,
// its state as the page shows it ("firing", "silenced" or "inhibited"), the batch it is about
// (the `batch_id` label) when it names one, every label, and the silence muting it.
Json AlertJson(const Alert& alert);

// Serialised on one line (SSE data), invalid UTF-8 replaced.
std::string Dump(const Json& j);

// An SSE message: "id: N\nevent: TYPE\ndata: JSON\n\n". `type` must be one of the closed
// set of event types (or "snapshot"); `data` is one line.
std::string SseMessage(std::int64_t id, std::string_view type, const std::string& data);
// The same without an id line (the stream's `stage` and `batch` messages: state, not rows;
// the browser's last event id stays that of the last row).
std::string SseMessage(std::string_view type, const std::string& data);

}  // namespace pipeline_exporter

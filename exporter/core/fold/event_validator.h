#pragma once
// Row validation (SPEC §8): decides, from one row alone, whether it may change the state.
// Rules that depend on the state (too_many_stages, too_many_substages) are checked by
// PipelineState.
// Pure functions; thread-safe.

#include <optional>

#include "exporter/core/fold/event_type.h"
#include "exporter/core/fold/invalid_reason.h"
#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

// Counts above this are treated as corrupt rather than as a very large batch.
inline constexpr std::int64_t kMaxFileCount = 1'000'000'000;
// A single item taking longer than 30 days is corrupt, not slow.
inline constexpr std::int64_t kMaxDurationMs = 30LL * 24 * 3600 * 1000;
// Matches the column width of `stage` in the migrations.
inline constexpr std::size_t kMaxStageLength = 64;
// The same for `subStage` and `gpuIp` (the worker).
inline constexpr std::size_t kMaxSubStageLength = 64;
inline constexpr std::size_t kMaxWorkerLength = 64;

struct Validation {
  std::optional<EventType> type;        // set when the row is valid
  std::optional<InvalidReason> reason;  // set when it is not
};

Validation ValidateEvent(const StageEvent& event);

// Whether `gpu_ip` may be a `worker` label value: non-empty, valid UTF-8, at most 64 bytes, no
// control character. A row with another gpuIp is still applied, but attributed to no worker.
bool IsValidWorker(const std::optional<std::string>& gpu_ip);

}  // namespace pipeline_exporter

#include "exporter/core/fold/event_validator.h"

#include "exporter/util/utf8.h"

namespace pipeline_exporter {
namespace {

Validation Reject(InvalidReason reason) { return Validation{std::nullopt, reason}; }

bool CountOk(const std::optional<std::int64_t>& v) {
  return !v || (*v >= 0 && *v <= kMaxFileCount);
}

// Control characters would survive into label values and log lines; nothing a pipeline
// names a stage needs them.
bool HasControlCharacter(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

}  // namespace

Validation ValidateEvent(const StageEvent& event) {
  const auto type = ParseEventType(event.event_type);
  if (!type) return Reject(InvalidReason::kUnknownEventType);
  if (event.timestamp_ms <= 0) return Reject(InvalidReason::kInvalidTimestamp);
  // The API addresses batches by positive id; a batch it could never show is not tracked.
  if (event.batch_id <= 0) return Reject(InvalidReason::kInvalidBatchId);
  if (!event.stage.empty()) {
    if (!IsValidUtf8(event.stage)) return Reject(InvalidReason::kInvalidUtf8);
    if (event.stage.size() > kMaxStageLength || HasControlCharacter(event.stage)) {
      return Reject(InvalidReason::kInvalidStage);
    }
  } else if (RequiresStage(*type)) {
    return Reject(InvalidReason::kMissingStage);
  }
  if (RequiresSubStage(*type)) {
    if (!event.sub_stage || event.sub_stage->empty()) {
      return Reject(InvalidReason::kMissingSubStage);
    }
    if (!IsValidUtf8(*event.sub_stage)) return Reject(InvalidReason::kInvalidUtf8);
    if (event.sub_stage->size() > kMaxSubStageLength || HasControlCharacter(*event.sub_stage)) {
      return Reject(InvalidReason::kInvalidSubStage);
    }
  }
  if (RequiresFileName(*type) && (!event.file_name || event.file_name->empty())) {
    return Reject(InvalidReason::kMissingFileName);
  }
  if (!CountOk(event.total_files) || !CountOk(event.processed_files) ||
      !CountOk(event.failed_files)) {
    return Reject(InvalidReason::kInvalidCount);
  }
  if (event.duration_ms && (*event.duration_ms < 0 || *event.duration_ms > kMaxDurationMs)) {
    return Reject(InvalidReason::kInvalidDuration);
  }
  return Validation{type, std::nullopt};
}

bool IsValidWorker(const std::optional<std::string>& gpu_ip) {
  return gpu_ip && !gpu_ip->empty() && gpu_ip->size() <= kMaxWorkerLength && IsValidUtf8(*gpu_ip) &&
         !HasControlCharacter(*gpu_ip);
}

}  // namespace pipeline_exporter

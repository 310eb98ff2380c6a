#include "exporter/core/fold/invalid_reason.h"

namespace pipeline_exporter {
namespace {

constexpr std::array<std::string_view, kInvalidReasonCount> kNames = {
    "unknown_event_type", "missing_stage",   "missing_file_name", "invalid_count",
    "invalid_duration",   "invalid_stage",   "invalid_utf8",      "invalid_timestamp",
    "invalid_batch_id",   "too_many_stages", "missing_substage",  "invalid_substage",
    "too_many_substages",
};

constexpr std::array<InvalidReason, kInvalidReasonCount> kAll = {
    InvalidReason::kUnknownEventType, InvalidReason::kMissingStage,
    InvalidReason::kMissingFileName,  InvalidReason::kInvalidCount,
    InvalidReason::kInvalidDuration,  InvalidReason::kInvalidStage,
    InvalidReason::kInvalidUtf8,      InvalidReason::kInvalidTimestamp,
    InvalidReason::kInvalidBatchId,   InvalidReason::kTooManyStages,
    InvalidReason::kMissingSubStage,  InvalidReason::kInvalidSubStage,
    InvalidReason::kTooManySubStages,
};

}  // namespace

std::string_view InvalidReasonName(InvalidReason reason) {
  return kNames[static_cast<std::size_t>(reason)];
}

const std::array<InvalidReason, kInvalidReasonCount>& AllInvalidReasons() { return kAll; }

}  // namespace pipeline_exporter

#pragma once
// Why a row was rejected for the metrics (SPEC §8): the `reason` label of
// pipeline_exporter_invalid_events_total. Plain value type.

#include <array>
#include <cstdint>
#include <string_view>

namespace pipeline_exporter {

enum class InvalidReason : std::uint8_t {
  kUnknownEventType,
  kMissingStage,
  kMissingFileName,
  kInvalidCount,
  kInvalidDuration,
  kInvalidStage,
  kInvalidUtf8,
  kInvalidTimestamp,
  kInvalidBatchId,
  kTooManyStages,
  kMissingSubStage,   // substage_* without subStage
  kInvalidSubStage,   // longer than 64 bytes, or a control character
  kTooManySubStages,  // past max_substages in its stage's run
};

inline constexpr std::size_t kInvalidReasonCount = 13;

// The label value, e.g. "unknown_event_type".
std::string_view InvalidReasonName(InvalidReason reason);

// Every reason, in declaration order (so every series exists from the first scrape).
const std::array<InvalidReason, kInvalidReasonCount>& AllInvalidReasons();

}  // namespace pipeline_exporter

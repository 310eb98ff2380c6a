#pragma once
// The closed set of event types a pipeline writes into the event log (SPEC §2).
// Plain value type; thread-safe to use from anywhere.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pipeline_exporter {

enum class EventType : std::uint8_t {
  kBatchStart,
  kBatchComplete,
  kBatchFailed,
  kStageStart,
  kStageProgress,
  kStageComplete,
  kStageFailed,
  kFileStart,
  kFileComplete,
  kError,
  kWarning,
  kInfo,
  kBatchPaused,
  kBatchResumed,
  kBatchCanceled,
  kSubstageStart,
  kSubstageComplete,
};

inline constexpr std::size_t kEventTypeCount = 17;

// The wire name as stored in the eventType column, e.g. "stage_start".
std::string_view EventTypeName(EventType type);

// Exact, case-sensitive match against the closed set; nullopt for anything else.
std::optional<EventType> ParseEventType(std::string_view name);

// True for types that must name a stage (stage_*, substage_* and file_*).
bool RequiresStage(EventType type);

// True for substage_start and substage_complete, which must name a sub-stage.
bool RequiresSubStage(EventType type);

// True for file_start and file_complete, which must name a file.
bool RequiresFileName(EventType type);

const std::array<EventType, kEventTypeCount>& AllEventTypes();

}  // namespace pipeline_exporter

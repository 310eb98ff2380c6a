#include "exporter/core/fold/event_type.h"

namespace pipeline_exporter {
namespace {

constexpr std::array<std::string_view, kEventTypeCount> kNames = {
    "batch_start",       "batch_complete", "batch_failed",   "stage_start",
    "stage_progress",    "stage_complete", "stage_failed",   "file_start",
    "file_complete",     "error",          "warning",        "info",
    "batch_paused",      "batch_resumed",  "batch_canceled", "substage_start",
    "substage_complete",
};

constexpr std::array<EventType, kEventTypeCount> kAll = {
    EventType::kBatchStart,    EventType::kBatchComplete,    EventType::kBatchFailed,
    EventType::kStageStart,    EventType::kStageProgress,    EventType::kStageComplete,
    EventType::kStageFailed,   EventType::kFileStart,        EventType::kFileComplete,
    EventType::kError,         EventType::kWarning,          EventType::kInfo,
    EventType::kBatchPaused,   EventType::kBatchResumed,     EventType::kBatchCanceled,
    EventType::kSubstageStart, EventType::kSubstageComplete,
};

}  // namespace

std::string_view EventTypeName(EventType type) { return kNames[static_cast<std::size_t>(type)]; }

std::optional<EventType> ParseEventType(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return kAll[i];
  }
  return std::nullopt;
}

bool RequiresStage(EventType type) {
  switch (type) {
    case EventType::kStageStart:
    case EventType::kStageProgress:
    case EventType::kStageComplete:
    case EventType::kStageFailed:
    case EventType::kFileStart:
    case EventType::kFileComplete:
    case EventType::kSubstageStart:
    case EventType::kSubstageComplete:
      return true;
    default:
      return false;
  }
}

bool RequiresSubStage(EventType type) {
  return type == EventType::kSubstageStart || type == EventType::kSubstageComplete;
}

bool RequiresFileName(EventType type) {
  return type == EventType::kFileStart || type == EventType::kFileComplete;
}

const std::array<EventType, kEventTypeCount>& AllEventTypes() { return kAll; }

}  // namespace pipeline_exporter

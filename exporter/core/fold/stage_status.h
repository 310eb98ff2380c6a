#pragma once
// Lifecycle states of a stage and of a batch (SPEC §3, §4 state sets). Plain values.

#include <array>
#include <cstdint>
#include <string_view>

namespace pipeline_exporter {

enum class StageStatus : std::uint8_t { kPending, kProcessing, kComplete, kFailed, kCanceled };
// pausing and canceling: a request written, not yet acknowledged by the pipeline.
enum class BatchStatus : std::uint8_t {
  kRunning,
  kPausing,
  kPaused,
  kCanceling,
  kCanceled,
  kComplete,
  kFailed,
};

inline constexpr std::array<StageStatus, 5> kAllStageStatuses = {
    StageStatus::kPending, StageStatus::kProcessing, StageStatus::kComplete, StageStatus::kFailed,
    StageStatus::kCanceled};
inline constexpr std::array<BatchStatus, 7> kAllBatchStatuses = {
    BatchStatus::kRunning,  BatchStatus::kPausing,  BatchStatus::kPaused, BatchStatus::kCanceling,
    BatchStatus::kCanceled, BatchStatus::kComplete, BatchStatus::kFailed};

constexpr std::string_view StageStatusName(StageStatus s) {
  constexpr std::array<std::string_view, 5> kNames = {"pending", "processing", "complete", "failed",
                                                      "canceled"};
  return kNames[static_cast<std::size_t>(s)];
}

constexpr std::string_view BatchStatusName(BatchStatus s) {
  constexpr std::array<std::string_view, 7> kNames = {"running",  "pausing",  "paused", "canceling",
                                                      "canceled", "complete", "failed"};
  return kNames[static_cast<std::size_t>(s)];
}

// An outcome ends the batch's run: complete, failed or canceled (SPEC §3).
constexpr bool IsOutcome(BatchStatus s) {
  return s == BatchStatus::kComplete || s == BatchStatus::kFailed || s == BatchStatus::kCanceled;
}

}  // namespace pipeline_exporter

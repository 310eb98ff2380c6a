#pragma once
// Lifecycle states of a stage and of a batch (SPEC §3, §4 state sets). Plain values.

#include <array>
#include <cstdint>
#include <string_view>

namespace pipeline_exporter {

enum class StageStatus : std::uint8_t { kPending, kProcessing, kComplete, kFailed };
enum class BatchStatus : std::uint8_t { kRunning, kComplete, kFailed };

inline constexpr std::array<StageStatus, 4> kAllStageStatuses = {
    StageStatus::kPending, StageStatus::kProcessing, StageStatus::kComplete, StageStatus::kFailed};
inline constexpr std::array<BatchStatus, 3> kAllBatchStatuses = {
    BatchStatus::kRunning, BatchStatus::kComplete, BatchStatus::kFailed};

constexpr std::string_view StageStatusName(StageStatus s) {
  constexpr std::array<std::string_view, 4> kNames = {"pending", "processing", "complete",
                                                      "failed"};
  return kNames[static_cast<std::size_t>(s)];
}

constexpr std::string_view BatchStatusName(BatchStatus s) {
  constexpr std::array<std::string_view, 3> kNames = {"running", "complete", "failed"};
  return kNames[static_cast<std::size_t>(s)];
}

}  // namespace pipeline_exporter

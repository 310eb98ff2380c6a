#pragma once
// A batch control request (SPEC §2 `batchControl`): pause, resume or cancel a batch, written
// by the exporter for a user and read by the pipeline, which acknowledges it with
// batch_paused / batch_resumed / batch_canceled. Plain values; thread-safe to use anywhere.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "exporter/core/fold/stage_status.h"

namespace pipeline_exporter {

enum class ControlAction : std::uint8_t { kPause, kResume, kCancel };

inline constexpr std::size_t kControlActionCount = 3;
inline constexpr std::array<ControlAction, kControlActionCount> kAllControlActions = {
    ControlAction::kPause, ControlAction::kResume, ControlAction::kCancel};

constexpr std::string_view ControlActionName(ControlAction a) {
  constexpr std::array<std::string_view, kControlActionCount> kNames = {"pause", "resume",
                                                                        "cancel"};
  return kNames[static_cast<std::size_t>(a)];
}

// Exact match against "pause", "resume", "cancel".
std::optional<ControlAction> ParseControlAction(std::string_view name);

// Whether `action` fits a batch in `status`: pause a running batch; resume a paused one (or
// one whose pause is not acknowledged yet); cancel one that has not ended.
bool ControlFits(ControlAction action, BatchStatus status);

struct ControlRequest {
  std::int64_t id = 0;  // the control row's id (0 before it is written)
  std::int64_t batch_id = 0;
  ControlAction action = ControlAction::kPause;
  std::string requested_by;    // the web-config user, or the control token's configured name
  std::string requested_from;  // the client's address (migration 004; empty without it)
  std::string reason;
  std::int64_t requested_at_ms = 0;  // the database's clock when written
};

}  // namespace pipeline_exporter

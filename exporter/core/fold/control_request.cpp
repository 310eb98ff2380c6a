#include "exporter/core/fold/control_request.h"

namespace pipeline_exporter {

std::optional<ControlAction> ParseControlAction(std::string_view name) {
  for (const ControlAction a : kAllControlActions) {
    if (ControlActionName(a) == name) return a;
  }
  return std::nullopt;
}

bool ControlFits(ControlAction action, BatchStatus status) {
  switch (action) {
    case ControlAction::kPause:
      return status == BatchStatus::kRunning;
    case ControlAction::kResume:
      return status == BatchStatus::kPaused || status == BatchStatus::kPausing;
    case ControlAction::kCancel:
      return status == BatchStatus::kRunning || status == BatchStatus::kPausing ||
             status == BatchStatus::kPaused;
  }
  return false;
}

}  // namespace pipeline_exporter

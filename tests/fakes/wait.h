#pragma once
// Waiting for a condition that another thread or process makes true: re-checks it until
// it holds or the deadline passes. Tests use it instead of fixed sleeps.

#include <chrono>
#include <thread>

namespace pipeline_exporter {

template <typename Pred>
bool WaitUntil(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace pipeline_exporter

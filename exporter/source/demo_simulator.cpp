#include "exporter/source/demo_simulator.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "exporter/core/logfmt.h"
#include "exporter/source/demo_scenario.h"

namespace pipeline_exporter {

DemoSimulator::DemoSimulator(SociEventLog& log, const Clock& clock, DemoOptions options)
    : log_(log), clock_(clock), options_(options) {}

DemoSimulator::~DemoSimulator() { Stop(); }

void DemoSimulator::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void DemoSimulator::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DemoSimulator::Run() {
  std::unique_ptr<DemoScenario> scenario;
  std::int64_t last = clock_.Now();
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms), [this] { return stop_; });
      if (stop_) return;
    }
    const std::int64_t now = clock_.Now();
    try {
      if (!scenario) {
        const std::uint32_t seed =
            options_.seed != 0 ? options_.seed : static_cast<std::uint32_t>(now);
        scenario = std::make_unique<DemoScenario>(seed, log_.MaxBatchId() + 1, options_.speed);
        spdlog::info("msg=\"demo simulator writing batches\" speed={}", options_.speed);
      }
      const auto rows = scenario->Advance(now - last, now);
      if (!rows.empty()) log_.Append(rows);
    } catch (const std::exception& e) {
      spdlog::warn("msg=\"demo simulator could not write\" error={}", LogfmtQuote(e.what()));
    }
    last = now;
  }
}

}  // namespace pipeline_exporter

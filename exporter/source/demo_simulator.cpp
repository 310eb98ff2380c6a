#include "exporter/source/demo_simulator.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "exporter/source/demo_scenario.h"
#include "exporter/util/logfmt.h"

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

void DemoSimulator::ActOnControl(DemoScenario& scenario) {
  // As a pipeline does (README, Batch control): the requests after the last one handled;
  // those of the batch it runs are acted on and acknowledged. Without the control table
  // (a database of migration 001 alone) the demo simply runs.
  try {
    if (!control_seen_) {
      // Requests written before the demo started are not its business.
      std::int64_t seen = 0;
      for (auto rows = log_.ReadControlAfter(0, 1000); !rows.empty();
           rows = log_.ReadControlAfter(seen, 1000)) {
        seen = rows.back().id;
      }
      control_seen_ = seen;
    }
    for (const ControlRequest& r : log_.ReadControlAfter(*control_seen_, 100)) {
      control_seen_ = r.id;
      if (r.batch_id != scenario.batch_id()) continue;
      const auto ack = scenario.Control(r.action);
      if (!ack.empty()) log_.Append(ack);
      spdlog::info("msg=\"demo acted on a control request\" batch_id={} action={} by={}",
                   r.batch_id, ControlActionName(r.action), LogfmtQuote(r.requested_by));
    }
  } catch (const std::exception&) {
    // No control table: nothing to act on.
  }
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
      ActOnControl(*scenario);
      const auto rows = scenario->Advance(now - last, now);
      if (!rows.empty()) log_.Append(rows);
    } catch (const std::exception& e) {
      spdlog::warn("msg=\"demo simulator could not write\" error={}", LogfmtQuote(e.what()));
    }
    last = now;
  }
}

}  // namespace pipeline_exporter

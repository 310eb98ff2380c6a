#pragma once
// The --demo writer: a thread that advances a DemoScenario every tick and writes its rows
// into the pipeline's event log through SociEventLog (the pipeline's own sessions), so the
// exporter has something real to tail. It continues batch numbering after whatever the
// table already holds, and acts on batch control requests as a pipeline would. Owns its thread
// (non-copyable); borrows the log and the clock. Start/Stop from one controlling thread.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "exporter/source/demo_scenario.h"
#include "exporter/source/soci_event_log.h"
#include "exporter/util/clock.h"

namespace pipeline_exporter {

struct DemoOptions {
  double speed = 1.0;
  std::uint32_t seed = 0;  // 0: from the clock
  std::int64_t tick_ms = 100;
};

class DemoSimulator {
 public:
  DemoSimulator(SociEventLog& log, const Clock& clock, DemoOptions options);
  ~DemoSimulator();
  DemoSimulator(const DemoSimulator&) = delete;
  DemoSimulator& operator=(const DemoSimulator&) = delete;

  void Start();
  void Stop();  // idempotent

 private:
  void Run();
  void ActOnControl(DemoScenario& scenario);

  SociEventLog& log_;
  const Clock& clock_;
  DemoOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::optional<std::int64_t> control_seen_;  // the last control request handled
  std::thread thread_;
};

}  // namespace pipeline_exporter

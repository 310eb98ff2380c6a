#pragma once
// The demo's pipeline, simulated: an audio batch of a few hundred files flowing through ten
// stages (file distribution → … → export), each stage working on files its predecessor
// has finished, with checkpoints every 10 files, errors (~1 %, 12 % on one flaky worker of
// six; another goes silent in every other batch), some retries, warnings, request/response
// payloads and sub-stages in two phases; then a pause and the next batch. Honours pause, resume and
// cancel requests (Control). Deterministic for a seed.
// Pure (no I/O); not thread-safe; owned by DemoSimulator or a test.

#include <cstdint>
#include <random>
#include <vector>

#include "exporter/core/fold/control_request.h"
#include "exporter/core/fold/pipeline_spec.h"
#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

class DemoScenario {
 public:
  // `speed` scales every stage's files per second; 1 runs a batch in about a minute.
  DemoScenario(std::uint32_t seed, std::int64_t first_batch_id, double speed);

  // Simulates `elapsed_ms` of work and returns the rows it wrote, in order.
  std::vector<StageEvent> Advance(std::int64_t elapsed_ms, std::int64_t now_ms);

  static std::vector<StageSpec> Stages();

  // A control request for the batch it is running, acted on as a pipeline would: pause
  // (no new work until resumed), resume, cancel (the batch ends; the next one follows after
  // the usual pause). Returns the acknowledgement rows (none when it does not fit).
  std::vector<StageEvent> Control(ControlAction action);
  // The batch being run (or the last one, between batches).
  std::int64_t batch_id() const { return batch_id_; }

 private:
  struct StageRun {
    bool started = false;
    bool completed = false;
    double budget = 0;  // fractional files it may still work on
    int next_file = 0;  // files taken so far
    int processed = 0;
    int failed = 0;
    int since_checkpoint = 0;
    std::vector<int> retry_queue;  // failed files to try once more
    std::vector<char> done;        // per file: finished (either outcome)
  };

  void StartBatch(std::int64_t now_ms, std::vector<StageEvent>& out);
  void StepStage(std::size_t k, double seconds, std::vector<StageEvent>& out);
  void ProcessFile(std::size_t k, int file, bool retry, std::vector<StageEvent>& out);
  StageEvent Row(const char* type, std::size_t stage) const;
  std::string FileName(int file) const;

  std::mt19937 rng_;
  double speed_;
  std::int64_t batch_id_;
  int batch_number_ = 0;
  int files_ = 0;
  bool running_ = false;
  bool paused_ = false;
  std::int64_t pause_left_ms_ = 0;
  std::vector<StageRun> runs_;
};

}  // namespace pipeline_exporter

#pragma once
// Which batches a prune removes (retention): decided from plain facts about each batch, which
// the database's rows give (SociPruner selects them), against a policy and the database's
// clock. A batch goes whole or not at all, and never when it
//   - is among the newest `keep_batches` of the pipeline (by its newest row),
//   - is running: its latest run has no outcome (batch_complete, batch_failed, batch_canceled)
//     and its newest row is younger than `stall_after`,
//   - is held: its latest run is paused (batch_paused after the last batch_resumed) and has no
//     outcome — whatever its age: a paused batch waits for a person,
//   - has a row younger than `older_than`.
// Pure; thread-safe.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace pipeline_exporter {

// One batch as its rows say (ids are the table's; 0 where there is no such row).
struct BatchFacts {
  std::int64_t batch_id = 0;
  std::int64_t last_id = 0;       // its newest row
  std::int64_t last_ms = 0;       // that row's timestamp (epoch ms)
  std::int64_t rows = 0;          // rows in the table
  std::int64_t last_start = 0;    // newest batch_start
  std::int64_t last_outcome = 0;  // newest batch_complete / batch_failed / batch_canceled
  std::int64_t last_paused = 0;   // newest batch_paused
  std::int64_t last_resumed = 0;  // newest batch_resumed
};

struct PrunePolicy {
  std::optional<std::int64_t> older_than_ms;  // unset: age alone keeps nothing
  std::size_t keep_batches = 0;
  std::int64_t stall_after_ms = 3600 * 1000;
};

struct PrunePlan {
  std::vector<BatchFacts> prune;  // oldest first
  std::int64_t rows = 0;          // rows of those batches
  std::size_t kept_recent = 0;    // among the newest keep_batches
  std::size_t kept_running = 0;
  std::size_t kept_paused = 0;
  std::size_t kept_young = 0;  // a row younger than older_than
};

// Whether the batch's latest run has ended (an outcome after its latest batch_start).
bool BatchEnded(const BatchFacts& b);

PrunePlan PlanPrune(std::vector<BatchFacts> batches, const PrunePolicy& policy,
                    std::int64_t now_ms);

}  // namespace pipeline_exporter

#pragma once
// Retention on one pipeline's table: reads the facts of every batch (SQL selects: newest row,
// row count, the newest batch-level events, the newest row's time, the database's clock),
// lets the core decide (PlanPrune), and deletes the chosen batches whole — their rows oldest
// first, at most `batch_size` rows per transaction so a writer never waits on more than one
// small one — and their control requests; then, on SQLite in auto_vacuum=INCREMENTAL, frees
// the emptied pages in steps so the file shrinks. MySQL/MariaDB: DELETE … ORDER BY id LIMIT n;
// SQLite and PostgreSQL: DELETE … WHERE id IN (SELECT id … LIMIT n).
// An interrupted prune leaves a batch's newest rows; the next prune removes them (the batch
// still qualifies). Uses the pipeline's Database (role kQuery), never the tail's session.
// Thread-safe as Database is; borrows it.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "exporter/core/fold/prune_plan.h"
#include "exporter/source/database.h"

namespace pipeline_exporter {

struct PruneOptions {
  PrunePolicy policy;
  std::size_t batch_size = 5000;  // rows per transaction
  bool dry_run = false;           // plan only
  bool reclaim = true;            // SQLite: incremental_vacuum afterwards
};

struct PruneResult {
  PrunePlan plan;
  std::size_t batches_deleted = 0;
  std::int64_t rows_deleted = 0;
  std::int64_t pages_freed = 0;  // SQLite
  bool stopped = false;          // `stop` said so before the plan was done
};

class SociPruner {
 public:
  SociPruner(Database& db, std::string control_table);

  // Throws on a database error; what was deleted before stays deleted (counted in the
  // exception-free result of the next run).
  PruneResult Prune(
      const PruneOptions& options, const std::function<bool()>& stop = [] { return false; });

  // The facts PlanPrune decides from, and the database's clock (epoch ms).
  std::vector<BatchFacts> ReadFacts(std::int64_t* now_ms);

  // Deletes every row of `batch_id` in transactions of at most `batch_size` rows (oldest
  // first), then its control rows; the rows deleted.
  std::int64_t DeleteBatch(std::int64_t batch_id, std::size_t batch_size,
                           const std::function<bool()>& stop);

  // SQLite with auto_vacuum=INCREMENTAL: frees the free pages, `pages_per_step` per
  // transaction, then checkpoints the WAL; the pages freed. 0 elsewhere.
  std::int64_t ReclaimSpace(std::int64_t pages_per_step, const std::function<bool()>& stop);

 private:
  Database& db_;
  std::string control_table_;
};

}  // namespace pipeline_exporter

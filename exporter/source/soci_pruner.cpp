#include "exporter/source/soci_pruner.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>
#include <thread>

#include "exporter/source/event_row_mapper.h"
#include "exporter/source/sql_dialect.h"

namespace pipeline_exporter {
namespace {

// One row of the facts queries: its integer cells in order, and its text cell (eventType).
struct FactRow {
  std::vector<std::int64_t> ints;
  std::string text;
};

// SQLite has one writer at a time: after each of its transactions the pruner steps aside for as
// long as the transaction took (2 to 100 ms), so a writer waiting in its busy handler — which
// sleeps up to 100 ms between tries — finds the lock free instead of losing every race to the
// pruner's next transaction. MySQL and PostgreSQL lock rows, not the table: no pause.
void StepAside(SqlDialect dialect, std::chrono::steady_clock::duration took) {
  if (dialect != SqlDialect::kSqlite) return;
  using std::chrono::milliseconds;
  std::this_thread::sleep_for(
      std::clamp<std::chrono::steady_clock::duration>(took, milliseconds(2), milliseconds(100)));
}

}  // namespace
}  // namespace pipeline_exporter

namespace soci {

template <>
struct type_conversion<pipeline_exporter::FactRow> {
  using base_type = values;
  static void from_base(const values& v, indicator, pipeline_exporter::FactRow& out) {
    const pipeline_exporter::SociValuesCells cells(v);
    out = {};
    for (std::size_t i = 0; i < v.get_number_of_columns(); ++i) {
      // SQLite gives an aggregate no declared type, so SOCI hands numbers over as text too:
      // a cell is the text (eventType) only when it is not a number.
      if (v.get_properties(i).get_data_type() == dt_string && !cells.IsNull(i)) {
        const std::string text = cells.Text(i);
        if (text.find_first_not_of("-0123456789") != std::string::npos || text.empty()) {
          out.text = text;
          continue;
        }
      }
      out.ints.push_back(cells.IsNull(i) ? 0 : cells.Int(i));
    }
  }
  static void to_base(const pipeline_exporter::FactRow&, values&, indicator&) {}
};

}  // namespace soci

namespace pipeline_exporter {

SociPruner::SociPruner(Database& db, std::string control_table)
    : db_(db), control_table_(std::move(control_table)) {
  if (!control_table_.empty() && !IsPlainIdentifier(control_table_)) {
    throw std::invalid_argument("invalid control table name: " + control_table_);
  }
}

std::vector<BatchFacts> SociPruner::ReadFacts(std::int64_t* now_ms) {
  const std::string& t = db_.table();
  const SqlDialect d = db_.dialect();
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) {
    std::map<std::int64_t, BatchFacts> by_id;
    {
      soci::rowset<FactRow> rs =
          (sql.prepare << "SELECT batchId, MAX(id), COUNT(*) FROM " + t + " GROUP BY batchId");
      for (const FactRow& r : rs) {
        BatchFacts& b = by_id[r.ints.at(0)];
        b.batch_id = r.ints.at(0);
        b.last_id = r.ints.at(1);
        b.rows = r.ints.at(2);
      }
    }
    {
      soci::rowset<FactRow> rs =
          (sql.prepare << "SELECT batchId, eventType, MAX(id) FROM " + t +
                              " WHERE eventType IN ('batch_start', 'batch_complete', "
                              "'batch_failed', 'batch_canceled', 'batch_paused', "
                              "'batch_resumed') GROUP BY batchId, eventType");
      for (const FactRow& r : rs) {
        const auto it = by_id.find(r.ints.at(0));
        if (it == by_id.end()) continue;  // written between the two queries
        BatchFacts& b = it->second;
        const std::int64_t id = r.ints.at(1);
        if (r.text == "batch_start") {
          b.last_start = id;
        } else if (r.text == "batch_paused") {
          b.last_paused = id;
        } else if (r.text == "batch_resumed") {
          b.last_resumed = id;
        } else {
          b.last_outcome = std::max(b.last_outcome, id);
        }
      }
    }
    {
      soci::rowset<FactRow> rs =
          (sql.prepare << "SELECT batchId, " + EpochMillisOf(d, "timestamp") + " FROM " + t +
                              " WHERE id IN (SELECT MAX(id) FROM " + t + " GROUP BY batchId)");
      for (const FactRow& r : rs) {
        const auto it = by_id.find(r.ints.at(0));
        if (it != by_id.end()) it->second.last_ms = r.ints.at(1);
      }
    }
    long long now = 0;
    sql << "SELECT " + NowEpochMillis(d), soci::into(now);
    *now_ms = now;
    std::vector<BatchFacts> out;
    out.reserve(by_id.size());
    for (auto& [id, b] : by_id) out.push_back(b);
    return out;
  });
}

std::int64_t SociPruner::DeleteBatch(std::int64_t batch_id, std::size_t batch_size,
                                     const std::function<bool()>& stop) {
  const std::string& t = db_.table();
  const std::string chunk = db_.dialect() == SqlDialect::kMysql
                                ? "DELETE FROM " + t + " WHERE batchId = :b ORDER BY id LIMIT :n"
                                : "DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t +
                                      " WHERE batchId = :b ORDER BY id LIMIT :n)";
  std::int64_t deleted = 0;
  for (;;) {
    // One transaction per chunk, each on a session taken for it alone: requests are never
    // kept waiting for the whole batch.
    const auto began = std::chrono::steady_clock::now();
    const long long n = db_.With(Database::Role::kQuery, [&](soci::session& sql) {
      long long b = batch_id;
      long long limit = static_cast<long long>(batch_size);
      soci::transaction tx(sql);
      soci::statement st = (sql.prepare << chunk, soci::use(b, "b"), soci::use(limit, "n"));
      st.execute(true);
      const long long affected = st.get_affected_rows();
      tx.commit();
      return affected;
    });
    deleted += n;
    StepAside(db_.dialect(), std::chrono::steady_clock::now() - began);
    if (n < static_cast<long long>(batch_size) || stop()) break;
  }
  if (!control_table_.empty()) {
    db_.With(Database::Role::kQuery, [&](soci::session& sql) {
      long long b = batch_id;
      try {
        sql << "DELETE FROM " + control_table_ + " WHERE batchId = :b", soci::use(b);
      } catch (const std::exception&) {
        // No control table (a table of migration 001 alone): nothing to delete.
      }
    });
  }
  return deleted;
}

std::int64_t SociPruner::ReclaimSpace(std::int64_t pages_per_step,
                                      const std::function<bool()>& stop) {
  if (db_.dialect() != SqlDialect::kSqlite) return 0;
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) -> std::int64_t {
    int mode = 0;
    sql << "PRAGMA auto_vacuum", soci::into(mode);
    if (mode != 2) return 0;  // not INCREMENTAL: the README says how to convert a file
    std::int64_t freed = 0;
    for (;;) {
      long long free_pages = 0;
      sql << "PRAGMA freelist_count", soci::into(free_pages);
      if (free_pages == 0 || stop()) break;
      const long long step = std::min<long long>(free_pages, pages_per_step);
      const auto began = std::chrono::steady_clock::now();
      // Run to completion: each step of the statement frees one page, and SOCI (as Python's
      // sqlite3) steps a statement without result columns once.
      auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
      const std::string vacuum = "PRAGMA incremental_vacuum(" + std::to_string(step) + ")";
      char* error = nullptr;
      if (sqlite_api::sqlite3_exec(backend->conn_, vacuum.c_str(), nullptr, nullptr, &error) !=
          SQLITE_OK) {
        const std::string what = error ? error : "incremental_vacuum failed";
        sqlite_api::sqlite3_free(error);
        throw std::runtime_error(what);
      }
      long long left = 0;
      sql << "PRAGMA freelist_count", soci::into(left);
      if (left >= free_pages) break;  // nothing moved (a reader holds the pages)
      freed += free_pages - left;
      StepAside(db_.dialect(), std::chrono::steady_clock::now() - began);
    }
    // The freed pages leave the file at a checkpoint: one that waits for nobody now, and
    // SQLite's automatic ones later.
    try {
      sql << "PRAGMA wal_checkpoint(PASSIVE)";
    } catch (const std::exception&) {
      // Busy: the next automatic checkpoint does it.
    }
    return freed;
  });
}

PruneResult SociPruner::Prune(const PruneOptions& options, const std::function<bool()>& stop) {
  PruneResult result;
  std::int64_t now_ms = 0;
  std::vector<BatchFacts> facts = ReadFacts(&now_ms);
  result.plan = PlanPrune(std::move(facts), options.policy, now_ms);
  if (options.dry_run) return result;
  for (const BatchFacts& b : result.plan.prune) {
    if (stop()) {
      result.stopped = true;
      break;
    }
    result.rows_deleted += DeleteBatch(b.batch_id, options.batch_size, stop);
    ++result.batches_deleted;
  }
  if (options.reclaim && result.rows_deleted > 0) {
    result.pages_freed = ReclaimSpace(1024, stop);
  }
  return result;
}

}  // namespace pipeline_exporter

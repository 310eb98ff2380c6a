#pragma once
// EventSource and ReplayLocator over SOCI, for SQLite, MySQL/MariaDB and PostgreSQL. One
// session, opened lazily and reopened after a failure, so a database that is down at
// start-up or goes away later is retried by the caller's next call. The tail query reads no
// payload column except batch_start's metadata (capped). Not thread-safe; owns its session;
// non-copyable.

#include <memory>
#include <string>

#include "exporter/source/event_source.h"
#include "exporter/source/replay_locator.h"
#include "exporter/source/sql_dialect.h"

namespace soci {
class session;
}
namespace sqlite_api {  // SOCI's sqlite3 backend declares sqlite3.h inside this namespace
struct sqlite3_stmt;
}

namespace pipeline_exporter {

class SociEventSource final : public EventSource, public ReplayLocator {
 public:
  // `table` must be a plain identifier (checked by the config loader).
  SociEventSource(std::string connect_string, std::string table);
  ~SociEventSource() override;
  SociEventSource(const SociEventSource&) = delete;
  SociEventSource& operator=(const SociEventSource&) = delete;

  FetchResult FetchAfter(std::int64_t after_id, const std::vector<std::int64_t>& also_ids,
                         std::size_t limit) override;
  std::int64_t StartAfterId(std::int64_t cutoff_ms) override;

 private:
  soci::session& Session();
  // SQLite: rows read through the sqlite3 handle SOCI holds, skipping SOCI's per-row
  // conversions (replay of a large log is bound by them).
  FetchResult FetchSqlite(std::int64_t after_id, const std::vector<std::int64_t>& also_ids,
                          std::size_t limit);
  // Drops the prepared statements (before the session they belong to is dropped).
  void DropStatements();
  // The database's clock and MAX(id), read after every fetch (lag, gaps, id regression).
  void ReadClock(soci::session& sql, FetchResult& result);
  template <typename F>
  auto Guarded(F&& f);

  std::string connect_string_;
  std::string table_;
  SqlDialect dialect_;
  std::string select_sql_;  // up to WHERE
  std::string now_sql_;
  std::unique_ptr<soci::session> session_;
  sqlite_api::sqlite3_stmt* sqlite_fetch_ =
      nullptr;  // the common query (no gap ids), prepared once
  // MySQL/PostgreSQL: the common query with its bound buffers, prepared once per session.
  struct TailStatement;
  std::unique_ptr<TailStatement> tail_;  // declared after session_: destroyed before it
};

}  // namespace pipeline_exporter

#pragma once
// The one connection holder of a pipeline: its SOCI sessions, and the one reconnect policy
// that the tail, the API's queries, ingest and the PostgreSQL listener all go through. The
// tail has a session of its own (its prepared statements live with it), so has the listener
// (it holds its session for as long as it listens); requests share a small pool and wait a bounded
// time for a free session. A session whose statement failed is closed and reopened on next
// use; after a failed connect no session tries again until a capped exponential backoff has
// passed, so an unreachable database is asked at most once per backoff step, whoever asks.
// Thread-safe; borrows the Clock, which must outlive it; non-copyable.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/source/sql_dialect.h"
#include "exporter/util/clock.h"

namespace soci {
class session;
}

namespace pipeline_exporter {

// Puts SQLite in multi-thread mode (no mutex around every call on a connection): a Database
// hands each session to one thread at a time, so serialized mode's per-call locking only
// costs (a sixth of a replay's time, measured). Call once at program start, before any
// connection is opened; returns false when SQLite refused (it was initialised already).
bool UseSqliteMultiThreadMode();

struct DatabaseOptions {
  std::size_t query_sessions = 4;           // sessions shared by requests
  std::int64_t acquire_timeout_ms = 10000;  // how long a request waits for one
  std::int64_t min_backoff_ms = 250;        // after a failed connect, doubled up to max
  std::int64_t max_backoff_ms = 30000;
};

// What a user keeps with one session (prepared statements): destroyed before the session.
class SessionCache {
 public:
  virtual ~SessionCache() = default;
};

class Database {
 public:
  // kListen's session is opened with application_name=pipeline_exporter_listener (so an
  // operator can find it in pg_stat_activity) and TCP keepalives.
  enum class Role { kTail, kQuery, kListen };

  // `table` must be a plain identifier; throws std::invalid_argument otherwise.
  Database(std::string connect_string, std::string table, const Clock& clock,
           DatabaseOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  SqlDialect dialect() const { return dialect_; }
  // Whether the table has migration 002's subStage column, as found by the latest connect
  // (false before the first).
  bool has_sub_stage() const { return has_sub_stage_.load(); }
  const std::string& table() const { return table_; }

  // Runs `work(session, cache)` on a session of `role`, opened if needed. `cache` is the
  // session's SessionCache slot (empty after a reconnect). Any exception closes the session
  // and is rethrown; a connect refused by the backoff throws without trying.
  void Run(Role role,
           const std::function<void(soci::session&, std::unique_ptr<SessionCache>&)>& work);

  // The same for work that needs no cache, returning its value.
  template <typename F>
  auto With(Role role, F&& f) {
    using R = decltype(f(std::declval<soci::session&>()));
    if constexpr (std::is_void_v<R>) {
      Run(role, [&](soci::session& s, std::unique_ptr<SessionCache>&) { f(s); });
    } else {
      R out{};
      Run(role, [&](soci::session& s, std::unique_ptr<SessionCache>&) { out = f(s); });
      return out;
    }
  }

 private:
  struct BusyWait;  // SQLite's busy handler state: declared before the session it serves
  struct Slot {
    std::shared_ptr<BusyWait> busy_wait;
    std::unique_ptr<soci::session> session;
    std::unique_ptr<SessionCache> cache;  // after the session: destroyed before it
    bool busy = false;
  };
  Slot& Acquire(Role role);
  void Release(Slot& slot, bool failed);
  void Open(Slot& slot, Role role);

  std::string connect_string_;
  std::string table_;
  SqlDialect dialect_;
  const Clock& clock_;
  DatabaseOptions options_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Slot>> slots_;  // [0] is the tail's
  Slot listen_slot_;
  std::int64_t next_connect_ms_ = 0;
  std::int64_t backoff_ms_ = 0;
  std::atomic<bool> has_sub_stage_{false};
};

}  // namespace pipeline_exporter

#include "exporter/source/database.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <stdexcept>

namespace pipeline_exporter {

using namespace sqlite_api;  // SOCI's copy of the sqlite3 API

bool UseSqliteMultiThreadMode() {
  return sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD) == SQLITE_OK;
}

Database::Database(std::string connect_string, std::string table, const Clock& clock,
                   DatabaseOptions options)
    : table_(std::move(table)), clock_(clock), options_(options) {
  connect_string_ = CheckedConnectString(connect_string, table_, &dialect_);
  slots_.resize(1 + std::max<std::size_t>(1, options_.query_sessions));
  for (auto& s : slots_) s = std::make_unique<Slot>();
}

Database::~Database() = default;

Database::Slot& Database::Acquire(Role role) {
  std::unique_lock lock(mu_);
  if (role == Role::kListen) {
    // One listener per pipeline, as for the tail.
    listen_slot_.busy = true;
    return listen_slot_;
  }
  if (role == Role::kTail) {
    Slot& tail = *slots_[0];
    // One tail per pipeline: the slot is never contended.
    tail.busy = true;
    return tail;
  }
  Slot* free = nullptr;
  const bool got =
      freed_.wait_for(lock, std::chrono::milliseconds(options_.acquire_timeout_ms), [&] {
        for (std::size_t i = 1; i < slots_.size(); ++i) {
          if (!slots_[i]->busy) {
            free = slots_[i].get();
            return true;
          }
        }
        return false;
      });
  if (!got) throw std::runtime_error("no database session became free in time");
  free->busy = true;
  return *free;
}

void Database::Release(Slot& slot, bool failed) {
  if (failed) {
    slot.cache.reset();
    slot.session.reset();
  }
  {
    std::lock_guard lock(mu_);
    slot.busy = false;
  }
  freed_.notify_one();
}

// SQLite's own busy handler sleeps in growing steps up to 100 ms, so a read that meets a
// writer's lock (rollback-journal mode) stalls for up to 100 ms after the lock is gone. This
// one tries again every millisecond until the connect string's timeout.
struct Database::BusyWait {
  std::chrono::milliseconds timeout;
  std::chrono::steady_clock::time_point started;

  static int RetrySoon(void* arg, int attempt) {
    auto* wait = static_cast<BusyWait*>(arg);
    const auto now = std::chrono::steady_clock::now();
    if (attempt == 0) wait->started = now;
    if (now - wait->started >= wait->timeout) return 0;
    sqlite3_sleep(1);
    return 1;
  }
};

void Database::Open(Slot& slot, Role role) {
  {
    std::lock_guard lock(mu_);
    const std::int64_t now = clock_.Now();
    if (now < next_connect_ms_) {
      throw std::runtime_error("database unreachable; next attempt in " +
                               std::to_string(next_connect_ms_ - now) + " ms");
    }
  }
  try {
    std::string connect = connect_string_;
    if (role == Role::kListen && dialect_ == SqlDialect::kPostgresql) {
      // Written last, so the user's own keepalive settings (earlier) are overridden.
      connect +=
          " application_name=pipeline_exporter_listener keepalives=1 keepalives_idle=30 "
          "keepalives_interval=10 keepalives_count=3";
    }
    slot.session = std::make_unique<soci::session>(connect);
  } catch (...) {
    std::lock_guard lock(mu_);
    backoff_ms_ = backoff_ms_ == 0 ? options_.min_backoff_ms
                                   : std::min(options_.max_backoff_ms, backoff_ms_ * 2);
    next_connect_ms_ = clock_.Now() + backoff_ms_;
    throw;
  }
  if (dialect_ == SqlDialect::kSqlite) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(slot.session->get_backend());
    slot.busy_wait = std::make_shared<BusyWait>(BusyWait{SqliteBusyTimeout(connect_string_), {}});
    sqlite3_busy_handler(backend->conn_, BusyWait::RetrySoon, slot.busy_wait.get());
  }
  // A table made by migration 001 alone has no subStage column: select NULL in its place.
  try {
    *slot.session << "SELECT subStage FROM " + table_ + " WHERE 1 = 0";
    has_sub_stage_ = true;
  } catch (const std::exception&) {
    has_sub_stage_ = false;
  }
  std::lock_guard lock(mu_);
  backoff_ms_ = 0;
  next_connect_ms_ = 0;
}

void Database::Run(
    Role role, const std::function<void(soci::session&, std::unique_ptr<SessionCache>&)>& work) {
  Slot& slot = Acquire(role);
  try {
    if (!slot.session) Open(slot, role);
    work(*slot.session, slot.cache);
  } catch (...) {
    // A failed statement may leave the connection unusable (server restarted, network
    // cut): close it, so the next use reconnects.
    Release(slot, true);
    throw;
  }
  Release(slot, false);
}

}  // namespace pipeline_exporter

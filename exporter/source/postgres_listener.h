#pragma once
// Wakes the tail when PostgreSQL says the event table has new rows: LISTENs, on the
// pipeline's dedicated listen session (Database::Role::kListen), on the channel that
// migration 003's trigger NOTIFYs after every INSERT statement (the table's name in lower
// case), and calls `notified` for every batch of notifications. A notification is only a
// wake-up, never the data: the tail reads the rows as always, and its poll stays the
// safety net.
// A listener that dies silently is this pattern's known failure, so the connection is
// watched: a drop (the server restarted, pg_terminate_backend) is seen at once on its socket,
// and a connection silent for `keepalive` is asked a `SELECT 1` that must be answered within
// `reply_timeout` (else it is taken as lost). A lost connection is reported (kLost), opened
// again after `retry` through the Database's reconnect policy, LISTENs again, is reported
// (kListening) and calls `notified` once, so rows committed meanwhile are read now.
// Owns its thread (non-copyable); borrows the Database and the Clock, which
// must outlive it. Start/Stop from one controlling thread; the callbacks are called on the
// listener's thread and must be thread-safe.

#include <chrono>
#include <functional>
#include <string>

#include "exporter/core/fold/tail_stats.h"
#include "exporter/source/database.h"
#include "exporter/source/stoppable_thread.h"
#include "exporter/util/clock.h"
#include "exporter/util/log_rate_limiter.h"

namespace pipeline_exporter {

struct ListenerOptions {
  std::chrono::milliseconds keepalive{15000};
  std::chrono::milliseconds reply_timeout{5000};
  std::chrono::milliseconds retry{1000};
};

class PostgresListener {
 public:
  // The channel is the database's table name in lower case (as PostgreSQL folds it).
  PostgresListener(Database& db, std::string pipeline, const Clock& clock,
                   std::function<void()> notified, std::function<void(ListenerEvent)> report,
                   ListenerOptions options = {});
  ~PostgresListener();
  PostgresListener(const PostgresListener&) = delete;
  PostgresListener& operator=(const PostgresListener&) = delete;

  // Throws std::runtime_error when the thread's stop signal cannot be made.
  void Start();
  void Stop();  // idempotent; returns once the thread has exited

  const std::string& channel() const { return channel_; }

 private:
  void Run();
  // Listens on an open session until stopped (returns) or the connection is lost (throws).
  void Listen(void* conn);
  // Waits up to `timeout` for the socket or the stop signal: true when the socket is ready.
  bool WaitReadable(int socket, std::chrono::milliseconds timeout);
  void Ping(void* conn);

  Database& db_;
  const std::string pipeline_;
  const Clock& clock_;
  std::function<void()> notified_;
  std::function<void(ListenerEvent)> report_;
  const ListenerOptions options_;
  std::string channel_;
  int stop_fd_ = -1;                   // the listener thread's: StoppableThread's signal
  LogRateLimiter failure_log_{60000};  // the listener thread's
  bool stopping_ = false;              // the listener thread's: set once the stop signal is seen
  StoppableThread thread_;
};

}  // namespace pipeline_exporter

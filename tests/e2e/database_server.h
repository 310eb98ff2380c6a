#pragma once
// Real database servers for the tests, started the way a user would run them, but in a
// temporary directory, on 127.0.0.1 and a free port: Debian's MariaDB (mariadbd) and
// PostgreSQL (pg_ctl, run as the `postgres` user), or a plain SQLite file. Start() fails
// with the server's log when it cannot start; nothing is skipped. Stop()/Restart() are for
// outage tests; the destructor stops the server and removes its directory. A test process
// that dies without stopping it takes the server with it (ServerReaper).
// Not thread-safe; owns the server process; non-copyable.

#include <memory>
#include <string>

#include "tests/e2e/server_reaper.h"
#include "tests/fakes/temp_dir.h"

namespace pipeline_exporter {

enum class Backend { kSqlite, kMariaDb, kPostgres };

std::string BackendName(Backend backend);

class DatabaseServer {
 public:
  // Throws std::runtime_error with the command output and server log on failure.
  static std::unique_ptr<DatabaseServer> Start(Backend backend);
  ~DatabaseServer();
  DatabaseServer(const DatabaseServer&) = delete;
  DatabaseServer& operator=(const DatabaseServer&) = delete;

  Backend backend() const { return backend_; }
  // A SOCI connect string for a user allowed to create tables and write.
  std::string connect_string() const;
  // The same database as a read-only user (SELECT only), as the exporter should run.
  std::string readonly_connect_string() const;

  // The server's process id (for CPU accounting); 0 for SQLite or when not running.
  int server_pid() const;

  void Stop();     // throws on failure
  void Restart();  // throws on failure

 private:
  explicit DatabaseServer(Backend backend) : backend_(backend) {}
  void StartProcess();
  std::string Log() const;

  Backend backend_;
  TempDir dir_;
  int port_ = 0;
  bool running_ = false;
  std::unique_ptr<ServerReaper> reaper_;  // while running
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

}  // namespace pipeline_exporter

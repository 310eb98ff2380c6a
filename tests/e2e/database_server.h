#pragma once
// Real database servers for the tests, started the way a user would run them, but in a
// temporary directory, on 127.0.0.1 and a free port: Debian's MariaDB (mariadbd) and
// PostgreSQL (pg_ctl, run as the `postgres` user), or a plain SQLite file. Start() fails
// with the server's log when it cannot start; nothing is skipped. Stop()/Restart() are for
// outage tests; the destructor stops the server and removes its directory. A test process
// that dies without stopping it takes the server with it (ServerReaper).
//
// Shared servers: when PE_SHARED_DATABASES names the directory of the CTest fixture
// `databases` (tests/e2e/shared_databases_main.cpp, which starts one MariaDB and one
// PostgreSQL for the whole suite), Start() of those backends gives a database of its own
// (`pe_<pid>_<n>`, with the same users and rights) on the fixture's server instead of a server
// of its own, and drops it at the end. A test that stops or restarts its server asks for
// Sharing::kOwn. Without the variable every DatabaseServer is its own server.
// Not thread-safe; owns the server process (or the shared server's database); non-copyable.

#include <memory>
#include <string>

#include "tests/e2e/server_reaper.h"
#include "tests/fakes/temp_dir.h"

namespace pipeline_exporter {

enum class Backend { kSqlite, kMariaDb, kPostgres };
enum class Sharing { kShared, kOwn };

std::string BackendName(Backend backend);

class DatabaseServer {
 public:
  // Throws std::runtime_error with the command output and server log on failure.
  static std::unique_ptr<DatabaseServer> Start(Backend backend, Sharing sharing = Sharing::kShared);
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

  void Stop();     // throws on failure, and on a shared server (ask for Sharing::kOwn)
  void Restart();  // throws on failure, and on a shared server

  bool shared() const { return !shared_dir_.empty(); }

  // For the fixture: leaves the server running after this object is gone (no reaper, no
  // stop, its directory kept) and writes what StopDetached() and shared users need into
  // `dir`: the port, the admin socket or user, the data directory, the pid file.
  void Detach(const std::string& dir);
  // Stops the server a Detach() wrote into `dir`, and removes its data directory.
  static void StopDetached(Backend backend, const std::string& dir);

 private:
  explicit DatabaseServer(Backend backend) : backend_(backend) {}
  static std::unique_ptr<DatabaseServer> OnShared(Backend backend, const std::string& dir);
  void StartProcess();
  std::string Log() const;
  // Runs `sql` as the administrator of the shared server (root / postgres), in `database`.
  void AdminSql(const std::string& sql, const std::string& database = "") const;

  Backend backend_;
  TempDir dir_;
  int port_ = 0;
  bool running_ = false;
  std::string database_ = "pe";
  std::string shared_dir_;  // the fixture's directory when this is a database on its server
  std::unique_ptr<ServerReaper> reaper_;  // while running
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

}  // namespace pipeline_exporter

#include "tests/e2e/database_server.h"

#include <arpa/inet.h>
#include <glob.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/e2e/exporter_process.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

std::string PgBin(const std::string& tool) {
  glob_t g{};
  std::string found;
  if (glob(("/usr/lib/postgresql/*/bin/" + tool).c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
    found = g.gl_pathv[g.gl_pathc - 1];
  }
  globfree(&g);
  if (found.empty()) {
    throw std::runtime_error("PostgreSQL's " + tool +
                             " was not found under /usr/lib/postgresql/*/bin: install the Debian "
                             "package postgresql (scripts/install-deps.sh test does)");
  }
  return found;
}

void Run(const std::string& what, const std::string& command, const std::string& log_hint = "") {
  std::string out;
  const int rc = RunCommand(command, &out);
  if (rc != 0) {
    throw std::runtime_error(what + " failed (exit " + std::to_string(rc) + "): " + command + "\n" +
                             out + log_hint);
  }
}

}  // namespace

std::string BackendName(Backend backend) {
  switch (backend) {
    case Backend::kSqlite:
      return "SQLite";
    case Backend::kMariaDb:
      return "MariaDB";
    case Backend::kPostgres:
      return "PostgreSQL";
  }
  return "";
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

std::string DatabaseServer::Log() const {
  switch (backend_) {
    case Backend::kMariaDb:
      return "\n--- mariadbd log ---\n" + ReadFile(dir_.File("mariadb.log"));
    case Backend::kPostgres:
      return "\n--- postgres log ---\n" + ReadFile(dir_.File("postgres.log"));
    default:
      return "";
  }
}

std::unique_ptr<DatabaseServer> DatabaseServer::Start(Backend backend, Sharing sharing) {
  const char* shared = std::getenv("PE_SHARED_DATABASES");
  if (sharing == Sharing::kShared && backend != Backend::kSqlite && shared && *shared) {
    return OnShared(backend, shared);
  }
  std::unique_ptr<DatabaseServer> s(new DatabaseServer(backend));
  const std::string d = s->dir_.path().string();
  switch (backend) {
    case Backend::kSqlite:
      break;
    case Backend::kMariaDb:
      s->port_ = FreePort();
      Run("mariadb-install-db",
          "mariadb-install-db --no-defaults --user=root --datadir=" + d +
              "/data --auth-root-authentication-method=normal --skip-test-db");
      s->StartProcess();
      Run("creating the test database and users",
          "mariadb --no-defaults -uroot --socket=" + d +
              "/mysql.sock -e \"CREATE DATABASE pe; CREATE USER 'pe'@'%' IDENTIFIED BY 'pe'; "
              "GRANT ALL ON pe.* TO 'pe'@'%' WITH GRANT OPTION; CREATE USER 'exporter'@'%' "
              "IDENTIFIED BY 'ro'; "
              "GRANT SELECT ON pe.* TO 'exporter'@'%';\"",
          s->Log());
      break;
    case Backend::kPostgres:
      s->port_ = FreePort();
      // PostgreSQL refuses to run as root: the data directory belongs to `postgres`.
      Run("chown", "chmod 755 " + d + " && chown -R postgres " + d);
      Run("initdb", "su postgres -s /bin/sh -c \"" + PgBin("initdb") + " -D " + d +
                        "/data -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8\"");
      s->StartProcess();
      Run("creating the test database and users",
          "psql -h 127.0.0.1 -p " + std::to_string(s->port_) +
              " -U postgres -v ON_ERROR_STOP=1 -c \"CREATE DATABASE pe\" -c \"CREATE ROLE pe LOGIN "
              "PASSWORD 'pe' SUPERUSER\" -c \"CREATE ROLE exporter LOGIN PASSWORD 'ro'\"",
          s->Log());
      Run("granting read access",
          "psql -h 127.0.0.1 -p " + std::to_string(s->port_) +
              " -U postgres -d pe -v ON_ERROR_STOP=1 -c \"ALTER DEFAULT PRIVILEGES FOR ROLE pe IN "
              "SCHEMA public GRANT SELECT ON TABLES TO exporter\"",
          s->Log());
      break;
  }
  return s;
}

namespace {

std::string SharedFile(const std::string& dir, Backend backend, const std::string& what) {
  return dir + "/" + (backend == Backend::kMariaDb ? "mariadb." : "postgres.") + what;
}

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  if (line.empty()) {
    throw std::runtime_error("the shared database fixture wrote no " + path +
                             " (did the `databases` fixture of ctest start?)");
  }
  return line;
}

}  // namespace

std::unique_ptr<DatabaseServer> DatabaseServer::OnShared(Backend backend, const std::string& dir) {
  static std::atomic<int> counter{0};
  std::unique_ptr<DatabaseServer> s(new DatabaseServer(backend));
  s->shared_dir_ = dir;
  s->port_ = std::stoi(ReadLine(SharedFile(dir, backend, "port")));
  s->database_ = "pe_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  const std::string& db = s->database_;
  if (backend == Backend::kMariaDb) {
    s->AdminSql("CREATE DATABASE " + db + "; GRANT ALL ON " + db +
                ".* TO 'pe'@'%' WITH GRANT OPTION; GRANT SELECT ON " + db +
                ".* TO 'exporter'@'%';");
  } else {
    s->AdminSql("CREATE DATABASE " + db + " OWNER pe");
    s->AdminSql(
        "ALTER DEFAULT PRIVILEGES FOR ROLE pe IN SCHEMA public GRANT SELECT ON TABLES TO "
        "exporter",
        db);
  }
  return s;
}

void DatabaseServer::AdminSql(const std::string& sql, const std::string& database) const {
  if (backend_ == Backend::kMariaDb) {
    Run("SQL on the shared MariaDB", "mariadb --no-defaults -uroot --socket=" +
                                         ReadLine(SharedFile(shared_dir_, backend_, "socket")) +
                                         " -e \"" + sql + "\"");
  } else {
    Run("SQL on the shared PostgreSQL",
        "psql -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres -v ON_ERROR_STOP=1 -q" +
            (database.empty() ? std::string() : " -d " + database) + " -c \"" + sql + "\"");
  }
}

void DatabaseServer::Detach(const std::string& dir) {
  const std::string d = dir_.path().string();
  std::ofstream(SharedFile(dir, backend_, "port")) << port_ << "\n";
  std::ofstream(SharedFile(dir, backend_, "data")) << d << "\n";
  if (backend_ == Backend::kMariaDb) {
    std::ofstream(SharedFile(dir, backend_, "socket")) << d << "/mysql.sock\n";
  }
  if (reaper_) reaper_->Disarm();
  reaper_.reset();
  running_ = false;
  dir_.Release();
}

void DatabaseServer::StopDetached(Backend backend, const std::string& dir) {
  const std::string d = ReadLine(SharedFile(dir, backend, "data"));
  if (backend == Backend::kMariaDb) {
    Run("stopping the shared mariadbd",
        "mariadb-admin --no-defaults -uroot --socket=" + d + "/mysql.sock shutdown");
    WaitUntil([&] { return RunCommand("test -e " + d + "/mariadb.pid", nullptr) != 0; },
              std::chrono::seconds(30));
  } else {
    Run("stopping the shared postgres",
        "su postgres -s /bin/sh -c \"" + PgBin("pg_ctl") + " -D " + d + "/data -m fast -w stop\"");
  }
  std::error_code ec;
  std::filesystem::remove_all(d, ec);
}

void DatabaseServer::StartProcess() {
  const std::string d = dir_.path().string();
  const std::string port = std::to_string(port_);
  if (backend_ == Backend::kMariaDb) {
    Run("starting mariadbd",
        "(mariadbd --no-defaults --user=root --datadir=" + d + "/data --socket=" + d +
            "/mysql.sock --pid-file=" + d + "/mariadb.pid --bind-address=127.0.0.1 --port=" + port +
            " --skip-name-resolve --default-time-zone=+00:00 --log-error=" + d +
            "/mariadb.log > /dev/null 2>&1 &)");
    const bool up = WaitUntil(
        [&] {
          return RunCommand("mariadb-admin --no-defaults -uroot --socket=" + d + "/mysql.sock ping",
                            nullptr) == 0;
        },
        std::chrono::seconds(60));
    if (!up) throw std::runtime_error("mariadbd did not become ready in 60 s" + Log());
  } else if (backend_ == Backend::kPostgres) {
    Run("starting postgres",
        "su postgres -s /bin/sh -c \"" + PgBin("pg_ctl") + " -D " + d + "/data -l " + d +
            "/postgres.log -w -t 60 -o '-h 127.0.0.1 -p " + port + " -k " + d + "' start\"",
        Log());
  }
  running_ = backend_ != Backend::kSqlite;
  // MariaDB is killed outright; PostgreSQL's postmaster takes SIGQUIT (immediate shutdown), so
  // its backends go with it.
  if (backend_ == Backend::kMariaDb) {
    reaper_ = std::make_unique<ServerReaper>(dir_.File("mariadb.pid"), SIGKILL);
  } else if (backend_ == Backend::kPostgres) {
    reaper_ = std::make_unique<ServerReaper>(dir_.File("data/postmaster.pid"), SIGQUIT);
  }
}

void DatabaseServer::Stop() {
  if (shared()) {
    throw std::logic_error(
        "a test that stops its database server must ask for one of its own (Sharing::kOwn)");
  }
  if (!running_) return;
  if (reaper_) reaper_->Disarm();
  reaper_.reset();
  const std::string d = dir_.path().string();
  if (backend_ == Backend::kMariaDb) {
    Run("stopping mariadbd",
        "mariadb-admin --no-defaults -uroot --socket=" + d + "/mysql.sock shutdown", Log());
    // shutdown returns when the server has been told; wait until it no longer answers.
    WaitUntil([&] { return RunCommand("test -e " + d + "/mariadb.pid", nullptr) != 0; },
              std::chrono::seconds(30));
  } else if (backend_ == Backend::kPostgres) {
    Run("stopping postgres",
        "su postgres -s /bin/sh -c \"" + PgBin("pg_ctl") + " -D " + d + "/data -m fast -w stop\"",
        Log());
  }
  running_ = false;
}

int DatabaseServer::server_pid() const {
  if (!running_) return 0;
  const std::string file =
      backend_ == Backend::kMariaDb ? dir_.File("mariadb.pid") : dir_.File("data/postmaster.pid");
  std::ifstream in(file);
  int pid = 0;
  in >> pid;
  return pid;
}

void DatabaseServer::Restart() {
  if (shared()) {
    throw std::logic_error(
        "a test that restarts its database server must ask for one of its own (Sharing::kOwn)");
  }
  Stop();
  StartProcess();
}

DatabaseServer::~DatabaseServer() {
  if (shared()) {
    try {
      AdminSql(backend_ == Backend::kMariaDb ? "DROP DATABASE " + database_
                                             : "DROP DATABASE " + database_ + " WITH (FORCE)");
    } catch (...) {
      // The fixture's cleanup removes the whole server.
    }
    return;
  }
  try {
    Stop();
  } catch (...) {
    if (backend_ == Backend::kMariaDb) {
      RunCommand("kill -9 $(cat " + dir_.File("mariadb.pid") + ")", nullptr);
    }
  }
}

std::string DatabaseServer::connect_string() const {
  switch (backend_) {
    case Backend::kSqlite:
      return "sqlite3://db=" + dir_.File("events.db");
    case Backend::kMariaDb:
      return "mysql://host=127.0.0.1 port=" + std::to_string(port_) + " db=" + database_ +
             " user=pe password=pe";
    case Backend::kPostgres:
      return "postgresql://host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + database_ +
             " user=pe password=pe";
  }
  return "";
}

std::string DatabaseServer::readonly_connect_string() const {
  switch (backend_) {
    case Backend::kSqlite:
      return connect_string();
    case Backend::kMariaDb:
      return "mysql://host=127.0.0.1 port=" + std::to_string(port_) + " db=" + database_ +
             " user=exporter password=ro";
    case Backend::kPostgres:
      return "postgresql://host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + database_ +
             " user=exporter password=ro";
  }
  return "";
}

}  // namespace pipeline_exporter

// The CTest fixture `databases`: one MariaDB and one PostgreSQL server for the whole end-to-end
// suite, instead of one per test (DatabaseServer, PE_SHARED_DATABASES).
//   shared_databases start DIR   starts both and writes what the tests need into DIR
//   shared_databases stop DIR    stops both and removes their data
// `start` also leaves a watcher behind that stops both when ctest itself exits without running
// `stop` (interrupted, killed): it waits on a pidfd of ctest, so it wakes only then.

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/e2e/database_server.h"

namespace pe = pipeline_exporter;

namespace {

constexpr pe::Backend kShared[] = {pe::Backend::kMariaDb, pe::Backend::kPostgres};

void StopAll(const std::string& dir) {
  for (pe::Backend b : kShared) {
    try {
      pe::DatabaseServer::StopDetached(b, dir);
    } catch (const std::exception& e) {
      std::cerr << "shared_databases: " << e.what() << "\n";
    }
  }
}

// A grandchild of ctest's test process, detached from its output (ctest waits for the
// pipes), that stops the servers once `ctest_pid` has exited.
void LeaveWatcher(const std::string& dir, pid_t ctest_pid) {
  // glibc 2.36's <sys/pidfd.h> declares pidfd_open without C linkage: the system call.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, ctest_pid, 0));
  if (pidfd < 0) {
    std::perror("shared_databases: pidfd_open (the servers are stopped by the cleanup only)");
    return;
  }
  if (fork() != 0) {
    close(pidfd);
    return;
  }
  setsid();
  if (fork() != 0) _exit(0);
  std::freopen("/dev/null", "r", stdin);
  std::freopen("/dev/null", "w", stdout);
  std::freopen((dir + "/watcher.log").c_str(), "w", stderr);
  std::ofstream(dir + "/watcher.pid") << getpid() << "\n";
  pollfd p{pidfd, POLLIN, 0};
  while (poll(&p, 1, -1) < 0) {
  }
  StopAll(dir);
  _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
    std::cerr << "usage: shared_databases start|stop DIR\n";
    return 2;
  }
  const std::string dir = argv[2];
  if (std::string(argv[1]) == "stop") {
    std::ifstream watcher(dir + "/watcher.pid");
    pid_t pid = 0;
    if (watcher >> pid && pid > 0) kill(pid, SIGKILL);
    StopAll(dir);
    std::filesystem::remove_all(dir);
    std::cout << "shared_databases: stopped\n";
    return 0;
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const pid_t ctest = getppid();
  for (pe::Backend b : kShared) {
    try {
      auto server = pe::DatabaseServer::Start(b, pe::Sharing::kOwn);
      server->Detach(dir);
      std::cout << "shared_databases: " << pe::BackendName(b) << " on " << server->connect_string()
                << "\n";
    } catch (const std::exception& e) {
      std::cerr << "shared_databases: " << pe::BackendName(b)
                << " could not be started: " << e.what() << "\n";
      StopAll(dir);
      return 1;
    }
  }
  LeaveWatcher(dir, ctest);
  return 0;
}

#pragma once
// Kills a daemonized test server (MariaDB, PostgreSQL: they leave the process that started
// them, so PR_SET_PDEATHSIG cannot follow them) when the test process dies without stopping it
// — a crash, an abort, a SIGKILL from CTest's timeout. A small watcher process waits on a pipe
// whose write end only the test process holds; end of file without Disarm() means the test is
// gone, and the watcher sends `signal` to the pid written in `pid_file` (read at that moment,
// so a restarted server is covered). Not thread-safe; owns the watcher; non-copyable.

#include <sys/types.h>

#include <string>

namespace pipeline_exporter {

class ServerReaper {
 public:
  ServerReaper(const std::string& pid_file, int signal);
  ~ServerReaper();  // Disarm()
  ServerReaper(const ServerReaper&) = delete;
  ServerReaper& operator=(const ServerReaper&) = delete;

  // The server was stopped as it should be: the watcher exits without killing anything.
  void Disarm();

  pid_t watcher_pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;  // the pipe's write end
};

}  // namespace pipeline_exporter

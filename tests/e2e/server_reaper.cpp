#include "tests/e2e/server_reaper.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace pipeline_exporter {
namespace {

// In the watcher (after fork, so only async-signal-safe calls): the first number in the file.
pid_t ReadPid(const char* path) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[32];
  const ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  pid_t pid = 0;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid = pid * 10 + (buf[i] - '0');
  return pid;
}

}  // namespace

ServerReaper::ServerReaper(const std::string& pid_file, int signal) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("ServerReaper: pipe2 failed");
  pid_ = fork();
  if (pid_ < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error("ServerReaper: fork failed");
  }
  if (pid_ == 0) {
    // The watcher keeps only the read end: any other descriptor of the test (sockets, other
    // watchers' pipes) would otherwise live on in it.
    dup2(fds[0], 0);
    syscall(SYS_close_range, 1U, ~0U, 0U);
    char c = 0;
    ssize_t n;
    while ((n = read(0, &c, 1)) < 0 && errno == EINTR) {
    }
    if (n == 0) {  // the test process is gone and did not disarm
      const pid_t server = ReadPid(pid_file.c_str());
      if (server > 1) kill(server, signal);
    }
    _exit(0);
  }
  close(fds[0]);
  fd_ = fds[1];
}

void ServerReaper::Disarm() {
  if (fd_ < 0) return;
  const char c = 'x';
  (void)!write(fd_, &c, 1);
  close(fd_);
  fd_ = -1;
  waitpid(pid_, nullptr, 0);
}

ServerReaper::~ServerReaper() { Disarm(); }

}  // namespace pipeline_exporter

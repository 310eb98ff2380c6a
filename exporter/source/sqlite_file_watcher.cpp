#include "exporter/source/sqlite_file_watcher.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "exporter/util/logfmt.h"

namespace pipeline_exporter {

SqliteFileWatcher::SqliteFileWatcher(std::string file, std::function<void()> changed)
    : changed_(std::move(changed)) {
  const std::filesystem::path path = std::filesystem::absolute(file).lexically_normal();
  dir_ = path.parent_path().string();
  base_ = path.filename().string();
}

SqliteFileWatcher::~SqliteFileWatcher() { Stop(); }

void SqliteFileWatcher::Start() {
  if (thread_.running()) return;
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) {
    throw std::runtime_error(std::string("inotify_init1: ") + std::strerror(errno));
  }
  constexpr std::uint32_t kMask = IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_TO;
  if (inotify_add_watch(inotify_fd_, dir_.c_str(), kMask) < 0) {
    const std::string reason = std::string("watching ") + dir_ + ": " + std::strerror(errno);
    close(inotify_fd_);
    inotify_fd_ = -1;
    throw std::runtime_error(reason);
  }
  try {
    thread_.Start([this](int stop_fd) { Run(stop_fd); });
  } catch (...) {
    close(inotify_fd_);
    inotify_fd_ = -1;
    throw;
  }
}

void SqliteFileWatcher::Stop() {
  thread_.Stop();
  if (inotify_fd_ >= 0) close(inotify_fd_);
  inotify_fd_ = -1;
}

bool SqliteFileWatcher::Concerns(std::string_view base, std::string_view name) {
  if (name.substr(0, base.size()) != base) return false;
  const std::string_view rest = name.substr(base.size());
  return rest.empty() || rest == "-wal" || rest == "-journal";
}

void SqliteFileWatcher::Run(int stop_fd) {
  // Aligned for inotify_event; a read returns whole events, several per read when they queue.
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::warn("msg=\"the SQLite file watcher stopped; changes arrive by the poll\" error={}",
                   LogfmtQuote(std::strerror(errno)));
      return;
    }
    if (fds[1].revents) return;
    bool relevant = false;
    bool gone = false;
    for (;;) {
      const ssize_t got = read(inotify_fd_, buffer, sizeof buffer);
      if (got <= 0) break;
      for (ssize_t at = 0; at < got;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
        if (e->mask & (IN_IGNORED | IN_Q_OVERFLOW)) {
          // IN_IGNORED: the directory went away. IN_Q_OVERFLOW: changes were dropped.
          relevant = true;
          gone = gone || (e->mask & IN_IGNORED);
        } else if (e->len > 0 && Concerns(base_, e->name)) {
          relevant = true;
        }
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      }
    }
    // Every change read so far makes one wake-up: the tail reads all rows there are.
    if (relevant) changed_();
    if (gone) {
      spdlog::warn(
          "msg=\"the SQLite database's directory is gone; changes arrive by the poll\" "
          "directory={}",
          LogfmtQuote(dir_));
      return;
    }
  }
}

}  // namespace pipeline_exporter

#pragma once
// Wakes the tail when a SQLite database changes, instead of at its next poll: watches the
// file's directory with inotify and calls `changed` when the file, its -wal or its -journal
// is written, created, deleted (a rollback journal's deletion is a commit) or renamed into
// place. The directory, not the files, is watched, so a -wal or -journal that comes and goes
// is seen. A change is only a wake-up: the rows are read from the table as always, and the
// poll stays as the safety net (a network file system, where inotify sees only local
// writers, or an inotify limit reached).
// Owns its thread and its inotify descriptor (non-copyable). Start/Stop from one
// controlling thread; `changed` is called on the watcher's thread and must be thread-safe.

#include <functional>
#include <string>
#include <string_view>

#include "exporter/source/stoppable_thread.h"

namespace pipeline_exporter {

class SqliteFileWatcher {
 public:
  SqliteFileWatcher(std::string file, std::function<void()> changed);
  ~SqliteFileWatcher();
  SqliteFileWatcher(const SqliteFileWatcher&) = delete;
  SqliteFileWatcher& operator=(const SqliteFileWatcher&) = delete;

  // Starts watching. Throws std::runtime_error with the reason (no inotify instance left,
  // the directory missing) and then watches nothing.
  void Start();
  void Stop();  // idempotent; returns once the thread has exited

  // Whether a change to `name` in the directory concerns the database file `base`: the file
  // itself, its -wal or its -journal (not its -shm, which readers map and write).
  static bool Concerns(std::string_view base, std::string_view name);

 private:
  void Run(int stop_fd);

  std::string dir_;
  std::string base_;
  std::function<void()> changed_;
  int inotify_fd_ = -1;
  StoppableThread thread_;
};

}  // namespace pipeline_exporter

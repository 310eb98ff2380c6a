#pragma once
// A thread that waits on file descriptors (inotify, a database socket) and must be stoppable
// at any moment: the body gets a stop descriptor (an eventfd) to wait on beside its own, which
// becomes readable when Stop() is called. The one start/stop of the SQLite file watcher and
// the PostgreSQL listener. Owns the thread and the descriptor (non-copyable); Start/Stop from
// one controlling thread.

#include <functional>
#include <thread>

namespace pipeline_exporter {

class StoppableThread {
 public:
  StoppableThread() = default;
  ~StoppableThread();
  StoppableThread(const StoppableThread&) = delete;
  StoppableThread& operator=(const StoppableThread&) = delete;

  // Runs body(stop_fd) on a new thread. Throws std::runtime_error when the descriptor cannot
  // be made; does nothing while a thread runs.
  void Start(std::function<void(int stop_fd)> body);
  // Makes the stop descriptor readable, waits for the body to return, closes the descriptor.
  // Idempotent.
  void Stop();
  bool running() const { return thread_.joinable(); }

 private:
  int stop_fd_ = -1;
  std::thread thread_;
};

}  // namespace pipeline_exporter

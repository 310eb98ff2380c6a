#include "exporter/source/stoppable_thread.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pipeline_exporter {

StoppableThread::~StoppableThread() { Stop(); }

void StoppableThread::Start(std::function<void(int stop_fd)> body) {
  if (thread_.joinable()) return;
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  thread_ = std::thread([body = std::move(body), fd = stop_fd_] { body(fd); });
}

void StoppableThread::Stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    (void)!write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (stop_fd_ >= 0) close(stop_fd_);
  stop_fd_ = -1;
}

}  // namespace pipeline_exporter

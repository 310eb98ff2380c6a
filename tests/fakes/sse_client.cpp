#include "tests/fakes/sse_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>

namespace pipeline_exporter {

SseClient::SseClient(int port, const std::string& target, const HeaderList& headers) {
  fd_ = ConnectLoopback(port);
  if (fd_ < 0) {
    closed_ = true;
    return;
  }
  std::string req =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  SendAll(fd_, req);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (buffer_.find("\r\n\r\n") == std::string::npos) {
    if (!Fill(deadline)) return;
  }
  const auto end = buffer_.find("\r\n\r\n");
  const std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  ParseResponseHead(head, response_);
  if (response_.status != 200) {
    // A JSON error body, read whole.
    while (Fill(deadline)) {
    }
    response_.body = buffer_;
  }
}

SseClient::~SseClient() {
  if (fd_ >= 0) close(fd_);
}

bool SseClient::Fill(std::chrono::steady_clock::time_point deadline) {
  if (closed_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
  if (left <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char buf[16384];
  const ssize_t n = recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<SseEvent> SseClient::Next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t end;
  while ((end = buffer_.find("\n\n")) == std::string::npos) {
    if (!Fill(deadline)) return std::nullopt;
  }
  const std::string block = buffer_.substr(0, end);
  buffer_.erase(0, end + 2);
  SseEvent ev;
  std::size_t start = 0;
  while (start <= block.size()) {
    const auto nl = block.find('\n', start);
    const std::string line =
        block.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (line.rfind(": ", 0) == 0)
      ev.comment = line.substr(2);
    else if (line.rfind("id: ", 0) == 0)
      ev.id = line.substr(4);
    else if (line.rfind("event: ", 0) == 0)
      ev.event = line.substr(7);
    else if (line.rfind("data: ", 0) == 0)
      ev.data += line.substr(6);
    else if (line.rfind("retry: ", 0) == 0)
      ev.retry = line.substr(7);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return ev;
}

std::optional<SseEvent> SseClient::NextWhere(std::chrono::milliseconds timeout,
                                             bool (*wanted)(const SseEvent&)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto ev = Next(left);
    if (!ev || wanted(*ev)) return ev;
  }
}

std::optional<SseEvent> SseClient::NextEvent(std::chrono::milliseconds timeout) {
  return NextWhere(timeout, [](const SseEvent& ev) { return !ev.event.empty(); });
}

std::optional<SseEvent> SseClient::NextRow(std::chrono::milliseconds timeout) {
  return NextWhere(timeout, [](const SseEvent& ev) {
    return !ev.event.empty() && ev.event != "stage" && ev.event != "batch";
  });
}

}  // namespace pipeline_exporter

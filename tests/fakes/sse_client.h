#pragma once
// A Server-Sent-Events client for tests: opens the stream on a loopback socket, then reads
// message by message. A test that wants a stalled reader simply stops calling Next().
// Not thread-safe; owns its socket; non-copyable.

#include <chrono>
#include <optional>
#include <string>

#include "tests/fakes/http_client.h"

namespace pipeline_exporter {

struct SseEvent {
  std::string id;
  std::string event;  // empty for a comment
  std::string data;
  std::string comment;  // ": ping" → "ping"
  std::string retry;
};

class SseClient {
 public:
  SseClient(int port, const std::string& target, const HeaderList& headers = {});
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  // The response status and headers (read on construction); 0 when nothing came.
  const HttpResult& response() const { return response_; }
  // The next message or comment; nullopt on timeout or when the server closed the stream.
  std::optional<SseEvent> Next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Next message with an `event:` (skips comments and retry-only blocks).
  std::optional<SseEvent> NextEvent(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Next row message: skips comments and the `stage`/`batch` state messages.
  std::optional<SseEvent> NextRow(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool closed() const { return closed_; }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);
  // The next message `wanted` accepts, skipping the others.
  std::optional<SseEvent> NextWhere(std::chrono::milliseconds timeout,
                                    bool (*wanted)(const SseEvent&));

  int fd_ = -1;
  std::string buffer_;
  HttpResult response_;
  bool closed_ = false;
};

}  // namespace pipeline_exporter

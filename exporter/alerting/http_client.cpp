#include "exporter/alerting/http_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace pipeline_exporter {

namespace {

using SteadyClock = std::chrono::steady_clock;

int MillisLeft(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd until the deadline; false on timeout or error.
bool WaitFor(int fd, short events, SteadyClock::time_point deadline) {
  for (;;) {
    const int left = MillisLeft(deadline);
    if (left == 0) return false;
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, left);
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// A non-blocking connection to one of the host's addresses; -1 with *error set.
int Connect(const HttpUrl& url, SteadyClock::time_point deadline, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(url.host.c_str(), std::to_string(url.port).c_str(), &hints, &found);
  if (rc != 0) {
    *error = std::string("cannot resolve the host: ") + gai_strerror(rc);
    return -1;
  }
  *error = "connection refused";
  int result = -1;
  for (addrinfo* a = found; a != nullptr && result < 0; a = a->ai_next) {
    const int fd =
        socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      result = fd;
      break;
    }
    if (errno == EINPROGRESS && WaitFor(fd, POLLOUT, deadline)) {
      int so_error = 0;
      socklen_t len = sizeof so_error;
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 && so_error == 0) {
        result = fd;
        break;
      }
      *error = std::string("cannot connect: ") + std::strerror(so_error);
    } else if (errno == EINPROGRESS) {
      *error = "timed out connecting";
    } else {
      *error = std::string("cannot connect: ") + std::strerror(errno);
    }
    close(fd);
  }
  freeaddrinfo(found);
  return result;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses "HTTP/1.1 200 OK\r\nName: value\r\n…" (without the blank line).
void ParseHead(const std::string& head, HttpClientResponse& out) {
  std::size_t eol = head.find("\r\n");
  const std::string status_line = head.substr(0, eol);
  const auto sp = status_line.find(' ');
  if (status_line.rfind("HTTP/1.", 0) == 0 && sp != std::string::npos) {
    out.status = std::atoi(status_line.c_str() + sp + 1);
  }
  while (eol != std::string::npos) {
    const std::size_t start = eol + 2;
    eol = head.find("\r\n", start);
    const std::string line = head.substr(start, eol == std::string::npos ? eol : eol - start);
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    const auto first = value.find_first_not_of(" \t");
    value = first == std::string::npos ? "" : value.substr(first);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    out.headers[Lower(line.substr(0, colon))] = value;
  }
}

// Decodes a chunked body; false when it is malformed or incomplete.
bool Dechunk(const std::string& in, std::string* out) {
  out->clear();
  std::size_t pos = 0;
  for (;;) {
    const auto eol = in.find("\r\n", pos);
    if (eol == std::string::npos) return false;
    const std::string size_text = in.substr(pos, eol - pos);
    std::size_t size = 0;
    std::size_t digits = 0;
    for (const char c : size_text) {
      if (c == ';') break;  // chunk extensions
      if (!std::isxdigit(static_cast<unsigned char>(c)) || ++digits > 8) return false;
      size = size * 16 + static_cast<std::size_t>(std::isdigit(static_cast<unsigned char>(c))
                                                      ? c - '0'
                                                      : std::tolower(c) - 'a' + 10);
    }
    if (digits == 0) return false;
    if (size == 0) return true;
    if (in.size() < eol + 2 + size + 2) return false;
    out->append(in, eol + 2, size);
    pos = eol + 2 + size + 2;
  }
}

}  // namespace

HttpClientResponse HttpClient::Send(const std::string& method, const std::string& target,
                                    const std::string& body) const {
  HttpClientResponse out;
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(options_.timeout_ms);
  const Socket socket(Connect(base_, deadline, &out.error));
  if (socket.fd() < 0) return out;
  out.error.clear();

  const bool ipv6 = base_.host.find(':') != std::string::npos;
  std::string request = method + " " + base_.path_prefix + target +
                        " HTTP/1.1\r\nHost: " + (ipv6 ? "[" + base_.host + "]" : base_.host) + ":" +
                        std::to_string(base_.port) +
                        "\r\nConnection: close\r\nAccept: application/json\r\n"
                        "User-Agent: pipeline_exporter\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    request +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(socket.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFor(socket.fd(), POLLOUT, deadline)) {
        out.error = "timed out sending the request";
        return out;
      }
    } else {
      out.error = std::string("cannot send the request: ") + std::strerror(errno);
      return out;
    }
  }

  // Read until the peer closes (Connection: close) or the Content-Length is in.
  std::string raw;
  std::size_t head_end = std::string::npos;
  std::optional<std::size_t> content_length;
  const std::size_t max_head = 64 * 1024;
  char buf[16384];
  for (;;) {
    if (head_end != std::string::npos && content_length &&
        raw.size() - head_end - 4 >= *content_length) {
      break;
    }
    if (!WaitFor(socket.fd(), POLLIN, deadline)) {
      out.error = "timed out waiting for the response";
      return out;
    }
    const ssize_t n = recv(socket.fd(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) {
      out.error = std::string("cannot read the response: ") + std::strerror(errno);
      return out;
    }
    if (n == 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
    if (head_end == std::string::npos) {
      head_end = raw.find("\r\n\r\n");
      if (head_end == std::string::npos && raw.size() > max_head) {
        out.error = "the response head is too long";
        return out;
      }
      if (head_end != std::string::npos) {
        ParseHead(raw.substr(0, head_end), out);
        if (const auto it = out.headers.find("content-length"); it != out.headers.end()) {
          const std::string& v = it->second;
          if (!v.empty() && v.size() < 19 &&
              v.find_first_not_of("0123456789") == std::string::npos) {
            content_length = std::stoull(v);
          }
        }
      }
    }
    if (head_end != std::string::npos && raw.size() - head_end - 4 > options_.max_body_bytes) {
      out.status = 0;
      out.headers.clear();
      out.error =
          "the response is longer than " + std::to_string(options_.max_body_bytes) + " bytes";
      return out;
    }
  }
  if (head_end == std::string::npos || out.status == 0) {
    out.status = 0;
    out.headers.clear();
    out.error = "no HTTP response";
    return out;
  }
  std::string payload = raw.substr(head_end + 4);
  if (content_length) {
    if (payload.size() < *content_length) {
      out.status = 0;
      out.headers.clear();
      out.error = "the response ended early";
      return out;
    }
    payload.resize(*content_length);
  } else if (const auto te = out.headers.find("transfer-encoding");
             te != out.headers.end() && Lower(te->second).find("chunked") != std::string::npos) {
    std::string decoded;
    if (!Dechunk(payload, &decoded)) {
      out.status = 0;
      out.headers.clear();
      out.error = "the response's chunks are malformed or incomplete";
      return out;
    }
    payload = std::move(decoded);
  }
  out.body = std::move(payload);
  return out;
}

}  // namespace pipeline_exporter

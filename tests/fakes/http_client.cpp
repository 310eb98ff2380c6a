#include "tests/fakes/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace pipeline_exporter {

void ParseResponseHead(const std::string& head, HttpResult& result) {
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  const auto sp = status_line.find(' ');
  if (sp != std::string::npos) result.status = std::atoi(status_line.c_str() + sp + 1);
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line =
        head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    result.headers[name] = value;
  }
}

int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

HttpResult ReadResponse(int fd, int timeout_ms, bool head_request, bool until_closed) {
  HttpResult result;
  std::string raw;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
    // Stop at the end of a response with a Content-Length instead of waiting for the
    // server to close the connection.
    const auto end = raw.find("\r\n\r\n");
    if (end == std::string::npos || until_closed) continue;
    std::string lower = raw.substr(0, end);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto cl = lower.find("\r\ncontent-length:");
    if (cl != std::string::npos && raw.size() - (end + 4) >= std::stoull(lower.substr(cl + 17)) &&
        !head_request) {
      break;
    }
  }
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return result;
  const std::string head = raw.substr(0, head_end);
  result.body = raw.substr(head_end + 4);
  ParseResponseHead(head, result);
  if (result.Header("transfer-encoding") == "chunked" && !until_closed) {
    std::string decoded;
    std::size_t pos = 0;
    for (;;) {
      const auto eol = result.body.find("\r\n", pos);
      if (eol == std::string::npos) break;
      const std::size_t size = std::stoul(result.body.substr(pos, eol - pos), nullptr, 16);
      if (size == 0) break;
      decoded.append(result.body, eol + 2, size);
      pos = eol + 2 + size + 2;
    }
    result.body = std::move(decoded);
  }
  return result;
}

bool SendAll(int fd, const std::string& bytes) {
  for (std::size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

HttpResult HttpSendBytes(int port, const std::string& request, int timeout_ms, bool until_closed) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return {};
  // The server may answer (413, 431) and close before reading it all: read what it said.
  SendAll(fd, request);
  HttpResult result = ReadResponse(fd, timeout_ms, request.rfind("HEAD ", 0) == 0, until_closed);
  close(fd);
  return result;
}

HeaderList BasicAuthHeader(const std::string& user, const std::string& password) {
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = user + ":" + password;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    unsigned v = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      v = (v << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? kB64[(v >> (18 - 6 * k)) & 63] : '=';
    }
  }
  return {{"Authorization", "Basic " + out}};
}

HttpResult HttpRequestRaw(int port, const std::string& method, const std::string& target,
                          const std::string& body, const HeaderList& headers, int timeout_ms) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return HttpSendBytes(port, req, timeout_ms);
}

}  // namespace pipeline_exporter

#pragma once
// A minimal blocking HTTP/1.1 client over a loopback socket, for tests that talk to a real
// server: one request per connection ("Connection: close"), the whole response read.

#include <map>
#include <string>
#include <vector>

namespace pipeline_exporter {

struct HttpResult {
  int status = 0;                              // 0: no connection or no response
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Parses a response head ("HTTP/1.1 200 OK\r\nName: value…", without the blank line) into
// the status and lower-cased headers of `result`.
void ParseResponseHead(const std::string& head, HttpResult& result);

// A TCP connection to 127.0.0.1:port; -1 when nothing listens there. The caller closes it.
int ConnectLoopback(int port);

// Sends every byte (false when the peer stopped reading).
bool SendAll(int fd, const std::string& bytes);

// Reads one response from `fd` (by its Content-Length), or with `until_closed` everything
// until the server closes the connection. Status 0 when no response head came in time.
HttpResult ReadResponse(int fd, int timeout_ms, bool head_request = false,
                        bool until_closed = false);

// Sends `request` byte for byte (the test writes the whole request, malformed on purpose if it
// likes) and reads one response — or, with `until_closed`, everything the server sends until
// it closes the connection (any further responses end up in the body).
HttpResult HttpSendBytes(int port, const std::string& request, int timeout_ms = 5000,
                         bool until_closed = false);

HttpResult HttpRequestRaw(int port, const std::string& method, const std::string& target,
                          const std::string& body, const HeaderList& headers,
                          int timeout_ms = 5000);

// {"Authorization", "Basic base64(user:password)"}.
HeaderList BasicAuthHeader(const std::string& user, const std::string& password);

inline HttpResult HttpGet(int port, const std::string& target, const HeaderList& headers = {}) {
  return HttpRequestRaw(port, "GET", target, "", headers);
}

}  // namespace pipeline_exporter

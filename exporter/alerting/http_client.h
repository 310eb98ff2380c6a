#pragma once
// A small blocking HTTP/1.1 client for the exporter's own outgoing requests (Alertmanager's
// API): one request per connection, and one deadline over the whole exchange — connecting,
// sending and reading (a host name is resolved by the system's resolver, bounded by its own
// timeouts) — plus a cap on the response body, so a peer that stalls or
// floods cannot hold a request thread or memory for longer than asked. civetweb's client
// bounds only the wait for the response head, hence this. Plain http only (Alertmanager's
// API is usually reached inside the cluster; put a TLS proxy in front of one that is not).
// Stateless after construction; thread-safe.

#include <cstddef>
#include <map>
#include <string>

#include "exporter/util/http_url.h"

namespace pipeline_exporter {

struct HttpClientResponse {
  int status = 0;                              // 0 when no response came
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // de-chunked
  std::string error;                           // why there is no response; empty otherwise
};

struct HttpClientOptions {
  int timeout_ms = 3000;                  // the whole exchange
  std::size_t max_body_bytes = 4u << 20;  // a longer response is an error
};

class HttpClient {
 public:
  HttpClient(HttpUrl base, HttpClientOptions options) : base_(std::move(base)), options_(options) {}

  // `target` is appended to the URL's path prefix ("/api/v2/alerts?…"). A JSON `body` is sent
  // with Content-Type: application/json.
  HttpClientResponse Send(const std::string& method, const std::string& target,
                          const std::string& body = "") const;

  const HttpUrl& base() const { return base_; }

 private:
  HttpUrl base_;
  HttpClientOptions options_;
};

}  // namespace pipeline_exporter

#pragma once
// The exporter's one HTTP server (civetweb): routes exact paths to handlers, reads bodies
// up to a limit, and adds the security headers to every response. Directory listing,
// document root and CORS are off. Owns the civetweb context (non-copyable); Handle() before
// Start(); handlers run on civetweb's worker threads and must be thread-safe.

#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include "exporter/http/http_types.h"

struct mg_context;
struct mg_connection;

namespace pipeline_exporter {

class HttpServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpServerOptions {
  std::string listen_address = ":5066";  // [host]:port; port 0 picks a free one
  int num_threads = 80;
  std::size_t max_body_bytes = 1 << 20;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Handle(const std::string& path, Handler handler);

  // Throws HttpServerError naming the address when it cannot listen.
  void Start();
  void Stop();  // idempotent

  int port() const { return port_; }

  // "host:port" → civetweb's listening_ports value; exposed for tests.
  static std::string ListeningPorts(const std::string& listen_address);

 private:
  static int OnRequest(mg_connection* conn, void* self);
  int Serve(mg_connection* conn);
  void WakeListener() const;

  HttpServerOptions options_;
  std::map<std::string, Handler> routes_;
  mg_context* ctx_ = nullptr;
  int port_ = 0;
};

}  // namespace pipeline_exporter

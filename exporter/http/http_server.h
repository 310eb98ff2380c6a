#pragma once
// The exporter's one HTTP server (civetweb): routes exact paths to handlers, reads bodies
// up to a limit, and adds the security headers to every response. Directory listing,
// document root and CORS are off. Owns the civetweb context (non-copyable); Handle() before
// Start(); handlers run on civetweb's worker threads and must be thread-safe.

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  // Peers whose X-Real-IP header replaces their own address as HttpRequest::remote_addr.
  std::vector<std::string> trusted_proxies;
};

// A response written as it goes (Server-Sent Events): headers first, then pieces of body,
// and the connection is closed when the handler returns. Used on one handler thread only.
class HttpStream {
 public:
  explicit HttpStream(mg_connection* conn) : conn_(conn) {}
  // A normal, complete response instead of a stream (e.g. a 503).
  void Respond(const HttpResponse& response);
  // Sends the status line and headers (with the security headers); no Content-Length.
  bool Begin(int status, const std::vector<std::pair<std::string, std::string>>& headers);
  // False once the client has gone.
  bool Write(std::string_view data);

 private:
  mg_connection* conn_;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  using StreamHandler = std::function<void(const HttpRequest&, HttpStream&)>;

  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Handle(const std::string& path, Handler handler);
  // Every path starting with `prefix` that has no exact route (the longest prefix wins).
  void HandlePrefix(const std::string& prefix, Handler handler);
  void HandleStream(const std::string& path, StreamHandler handler);
  // Asked before every route (streams included); a response it returns is sent instead.
  using Authenticator = std::function<std::optional<HttpResponse>(const HttpRequest&)>;
  void SetAuthenticator(Authenticator authenticator) { authenticator_ = std::move(authenticator); }

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
  std::map<std::string, Handler> prefix_routes_;
  std::map<std::string, StreamHandler> stream_routes_;
  Authenticator authenticator_;
  mg_context* ctx_ = nullptr;
  int port_ = 0;
};

}  // namespace pipeline_exporter

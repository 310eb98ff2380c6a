#pragma once
// The exporter's one HTTP server (civetweb): routes paths to one resource each, dispatches
// the method (GET/HEAD, POST; anything else 405 with Allow), reads bodies up to a limit,
// adds the security headers to every response, refuses a cross-origin request that would
// change something (CrossOriginGuard, before authentication), counts every request per route in
// HttpMetrics, serves HTTPS when configured (TLS set up with our own OpenSSL 3 calls; see
// tls_shim.cpp for why Debian's civetweb needs help), and answers an exception with a generic 500
// carrying a request id (the details go to the log with it). Directory listing, document root and
// CORS are off. Owns the civetweb context (non-copyable); Handle() before Start(); handlers run on
// civetweb's worker threads and must be thread-safe.

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/http/cross_origin.h"
#include "exporter/http/http_types.h"

struct mg_context;
struct mg_connection;

namespace pipeline_exporter {

class HttpServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// HTTPS as exporter-toolkit's tls_server_config defines it (see TlsServerConfig).
struct HttpTlsOptions {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";
  std::string max_version = "TLS13";
};

struct HttpServerOptions {
  std::string listen_address = ":5066";  // [host]:port; port 0 picks a free one
  int num_threads = 80;
  std::size_t max_body_bytes = 1 << 20;
  // Peers whose X-Forwarded-For (or X-Real-IP) names the client in HttpRequest::remote_addr
  // (ClientAddress).
  std::vector<std::string> trusted_proxies;
  // Origins (scheme://host[:port]) whose requests pass the cross-origin rule although they are
  // not the request's Host: a reverse proxy's public address (web.trusted_origins).
  std::vector<std::string> trusted_origins;
  // HTTPS instead of HTTP on the listening port.
  std::optional<HttpTlsOptions> tls;
};

class HttpMetrics;

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  using StreamHandler = std::function<void(const HttpRequest&, HttpStream&)>;

  // One resource: what each method does. A method with no handler gets 405.
  struct Route {
    Handler get;           // GET and HEAD
    Handler post;          // POST
    StreamHandler stream;  // GET written as it goes, instead of `get`
    // POST reads a JSON body: any other Content-Type is answered 415 before the body is read.
    bool post_json = false;
    // POST checks `Authorization: Bearer` itself (a token for machines): a POST carrying one
    // is not asked for the authenticator's credentials.
    bool post_bearer = false;
    // GET and HEAD are answered without asking the authenticator: probes, which carry no
    // credentials and must say nothing a stranger may not read.
    bool public_get = false;
  };

  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // `name` is the route's `handler` label in the request metrics.
  void Handle(const std::string& name, const std::string& path, Route route);
  // Every path starting with `prefix` that has no exact route (the longest prefix wins).
  void HandlePrefix(const std::string& name, const std::string& prefix, Route route);
  // Where requests are counted; borrowed; set before Start().
  void SetMetrics(HttpMetrics* metrics) { metrics_ = metrics; }
  // Asked before every route (streams included); a response it returns is sent instead.
  // Checks a request before routing; may set request.user. nullopt lets it through.
  using Authenticator = std::function<std::optional<HttpResponse>(HttpRequest&)>;
  void SetAuthenticator(Authenticator authenticator) { authenticator_ = std::move(authenticator); }

  // Throws HttpServerError naming the address when it cannot listen.
  void Start();
  void Stop();  // idempotent

  int port() const { return port_; }

  // "host:port" → civetweb's listening_ports value; exposed for tests.
  static std::string ListeningPorts(const std::string& listen_address);

 private:
  static int OnRequest(mg_connection* conn, void* self);
  // civetweb's init_ssl: configures the SSL_CTX with our own OpenSSL 3 calls.
  static int InitTls(void* ssl_ctx, void* self);
  int Serve(mg_connection* conn);
  void WakeListener() const;

  HttpServerOptions options_;
  CrossOriginGuard cross_origin_;
  struct NamedRoute {
    std::string name;
    Route route;
  };
  const NamedRoute* Find(const std::string& path) const;
  int Dispatch(mg_connection* conn, const NamedRoute* route, const HttpRequest& req);

  std::map<std::string, NamedRoute> routes_;
  std::map<std::string, NamedRoute> prefix_routes_;
  HttpMetrics* metrics_ = nullptr;
  Authenticator authenticator_;
  std::string tls_error_;  // why InitTls refused, for the start-up error
  mg_context* ctx_ = nullptr;
  int port_ = 0;
};

}  // namespace pipeline_exporter

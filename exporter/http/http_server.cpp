#include "exporter/http/http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <dirent.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "exporter/http/client_address.h"
#include "exporter/http/http_metrics.h"

namespace pipeline_exporter {
namespace {

// Sent with every response; a handler's own header of the same name wins.
const std::vector<std::pair<std::string, std::string>>& SecurityHeaders() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
      {"Cache-Control", "no-store"},
  };
  return kHeaders;
}

bool HasHeader(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return true;
  }
  return false;
}

// Through civetweb's response API, so that it knows the status and can decide keep-alive
// and connection close itself.
void Write(mg_connection* conn, const HttpResponse& r, bool head) {
  mg_response_header_start(conn, r.status);
  mg_response_header_add(conn, "Content-Type", r.content_type.c_str(), -1);
  const std::string length = std::to_string(r.body.size());
  mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  for (const auto& [k, v] : r.headers) mg_response_header_add(conn, k.c_str(), v.c_str(), -1);
  for (const auto& [k, v] : SecurityHeaders()) {
    if (!HasHeader(r, k)) mg_response_header_add(conn, k.c_str(), v.c_str(), -1);
  }
  mg_response_header_send(conn);
  if (!head && !r.body.empty()) mg_write(conn, r.body.data(), r.body.size());
}

// Answers a request whose body was not (all) read — 401, 413 — and closes the connection,
// so the rest of the body can never be taken for the next request. Up to `limit` more bytes
// are read and dropped after the answer: a client still sending when the socket closes
// would get a reset instead of it.
void AnswerAndClose(mg_connection* conn, const HttpResponse& r, bool head, std::size_t limit) {
  mg_disable_connection_keep_alive(conn);
  Write(conn, r, head);
  char buf[16384];
  for (std::size_t drained = 0; drained < limit;) {
    const int got = mg_read(conn, buf, sizeof buf);
    if (got <= 0) break;
    drained += static_cast<std::size_t>(got);
  }
}

// HttpStream over one civetweb connection.
class CivetStream final : public HttpStream {
 public:
  CivetStream(mg_connection* conn, bool head) : conn_(conn), head_(head) {}
  ~CivetStream() override {
    if (chunked_) mg_send_chunk(conn_, "", 0);  // the last, empty chunk
  }

  void Respond(const HttpResponse& response) override {
    status_ = response.status;
    ::pipeline_exporter::Write(conn_, response, head_);
  }

  bool Begin(int status, const std::vector<std::pair<std::string, std::string>>& headers,
             bool chunked) override {
    status_ = status;
    // The stream ends when the handler returns: the connection must close then.
    mg_disable_connection_keep_alive(conn_);
    mg_response_header_start(conn_, status);
    HttpResponse shape;
    shape.headers = headers;
    for (const auto& [k, v] : headers) mg_response_header_add(conn_, k.c_str(), v.c_str(), -1);
    if (chunked) mg_response_header_add(conn_, "Transfer-Encoding", "chunked", -1);
    for (const auto& [k, v] : SecurityHeaders()) {
      if (!HasHeader(shape, k)) mg_response_header_add(conn_, k.c_str(), v.c_str(), -1);
    }
    chunked_ = chunked && !head_;
    return mg_response_header_send(conn_) == 0 && !head_;
  }

  bool Write(std::string_view data) override {
    if (data.empty()) return true;
    if (chunked_) {
      return mg_send_chunk(conn_, data.data(), static_cast<unsigned>(data.size())) > 0;
    }
    return mg_write(conn_, data.data(), data.size()) == static_cast<int>(data.size());
  }

  int status() const override { return status_; }

  // Ends a begun stream without its last chunk, so the client sees it incomplete.
  void Abort() { chunked_ = false; }

  bool ClientGone() override {
    if (fd_ == kUnknown) fd_ = FindSocket(mg_get_request_info(conn_));
    if (fd_ < 0) return false;
    // Readable with nothing to read is the peer's FIN; an error is a reset.
    pollfd p{fd_, POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 0) <= 0) return false;
    if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) return true;
    char byte;
    return recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
  }

 private:
  mg_connection* conn_;
  // civetweb does not expose a connection's socket: it is found among the process's
  // descriptors by its two ends (once per stream).
  static int FindSocket(const mg_request_info* info) {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    int found = -1;
    while (dirent* entry = readdir(dir)) {
      const int fd = std::atoi(entry->d_name);
      if (fd <= 2) continue;
      sockaddr_storage local{}, peer{};
      socklen_t local_len = sizeof local, peer_len = sizeof peer;
      if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0 ||
          getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) {
        continue;
      }
      if (PortOf(local) == info->server_port && PortOf(peer) == info->remote_port &&
          AddressOf(peer) == info->remote_addr) {
        found = fd;
        break;
      }
    }
    closedir(dir);
    return found;
  }
  static std::string AddressOf(const sockaddr_storage& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (a.ss_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, buf, sizeof buf);
    } else if (a.ss_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, buf, sizeof buf);
    }
    return buf;
  }
  static int PortOf(const sockaddr_storage& a) {
    if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
    if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
    return -1;
  }

  static constexpr int kUnknown = -2;
  bool head_;
  bool chunked_ = false;
  int status_ = 0;
  int fd_ = kUnknown;
};

HttpResponse InternalError(const HttpRequest& req, const std::exception& e) {
  return HttpResponse::ServerError(500, "internal error", req, e.what());
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options)
    : options_(std::move(options)), cross_origin_(options_.trusted_origins) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(const std::string& name, const std::string& path, Route route) {
  routes_[path] = NamedRoute{name, std::move(route)};
}

void HttpServer::HandlePrefix(const std::string& name, const std::string& prefix, Route route) {
  prefix_routes_[prefix] = NamedRoute{name, std::move(route)};
}

std::string HttpServer::ListeningPorts(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return address;  // a bare port
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.empty()) return port;
  if (host == "localhost") host = "127.0.0.1";
  return host + ":" + port;  // civetweb takes "[::1]:5066" for IPv6 as it is
}

namespace {

int TlsVersion(const std::string& v) {
  if (v == "TLS10") return TLS1_VERSION;
  if (v == "TLS11") return TLS1_1_VERSION;
  if (v == "TLS12") return TLS1_2_VERSION;
  return TLS1_3_VERSION;
}

// RequestClientCert and RequireAnyClientCert take any certificate, as Go's crypto/tls does.
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

std::string OpenSslError() {
  char buf[256] = {};
  const unsigned long e = ERR_get_error();
  if (e == 0) return "unknown error";
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

}  // namespace

int HttpServer::InitTls(void* ssl_ctx, void* self) {
  auto* server = static_cast<HttpServer*>(self);
  const HttpTlsOptions& t = *server->options_.tls;
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  auto fail = [server](const std::string& what) {
    server->tls_error_ = what + ": " + OpenSslError();
    return -1;  // mg_start fails
  };
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_min_proto_version(ctx, TlsVersion(t.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TlsVersion(t.max_version)) != 1) {
    return fail("tls_server_config: min_version/max_version");
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, t.cert_file.c_str()) != 1) {
    return fail("tls_server_config.cert_file " + t.cert_file);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, t.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return fail("tls_server_config.key_file " + t.key_file);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return fail("tls_server_config.key_file does not match cert_file");
  }
  if (!t.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, t.client_ca_file.c_str(), nullptr) != 1) {
      return fail("tls_server_config.client_ca_file " + t.client_ca_file);
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(t.client_ca_file.c_str());
    if (names) SSL_CTX_set_client_CA_list(ctx, names);
  }
  static const unsigned char kSessionContext[] = "pipeline_exporter";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  const std::string& a = t.client_auth_type;
  if (a == "RequestClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptAnyCertificate);
  } else if (a == "RequireAnyClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       AcceptAnyCertificate);
  } else if (a == "VerifyClientCertIfGiven") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else if (a == "RequireAndVerifyClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  return 1;  // configured here: civetweb adds nothing of its own
}

void HttpServer::Start() {
  if (ctx_) return;
  if (options_.tls) {
    // Only the first initialisation's answer is dependable: ask for TLS before anything else.
    static const unsigned features = mg_init_library(MG_FEATURES_TLS);
    if ((features & MG_FEATURES_TLS) == 0) {
      throw HttpServerError("cannot serve HTTPS: civetweb could not load OpenSSL");
    }
  }
  std::string ports = ListeningPorts(options_.listen_address);
  if (options_.tls) ports += "s";
  const std::string threads = std::to_string(options_.num_threads);
  const char* opts[] = {"listening_ports", ports.c_str(), "num_threads", threads.c_str(),
                        "enable_directory_listing", "no", "access_control_allow_origin", "",
                        // A request head must arrive within 10 s in all (SPEC §8), and a
                        // client that reads nothing for that long is given up.
                        "request_timeout_ms", "10000", "enable_keep_alive", "yes", "tcp_nodelay",
                        "1",
                        // Request line plus headers; a larger head is refused before any
                        // handler runs.
                        "max_request_size", "16384", nullptr};
  mg_callbacks callbacks{};
  // civetweb would print its errors to stderr itself; they are reported through the
  // exception instead.
  callbacks.log_message = [](const mg_connection*, const char*) { return 1; };
  if (options_.tls) callbacks.init_ssl = &HttpServer::InitTls;
  mg_init_data init{};
  init.callbacks = &callbacks;
  init.user_data = this;
  init.configuration_options = opts;
  char text[256] = {};
  unsigned code = 0;
  mg_error_data error{};
  error.code = &code;
  error.text = text;
  error.text_buffer_size = sizeof text;
  ctx_ = mg_start2(&init, &error);
  if (!ctx_) {
    throw HttpServerError("cannot listen on " + options_.listen_address + ": " +
                          (!tls_error_.empty() ? tls_error_
                           : text[0]           ? std::string(text)
                                               : "civetweb failed to start"));
  }
  mg_set_request_handler(ctx_, "/", &HttpServer::OnRequest, this);
  mg_server_port listening[4] = {};
  const int n = mg_get_server_ports(ctx_, 4, listening);
  port_ = n > 0 ? listening[0].port : 0;
}

void HttpServer::Stop() {
  if (!ctx_) return;
  // civetweb's master thread notices the stop flag only when its poll of the listening
  // socket returns, which can take its whole 2 s quantum; a connection wakes it at once.
  std::atomic<bool> stopped{false};
  std::thread waker([this, &stopped] {
    while (!stopped.load()) {
      WakeListener();
      for (int i = 0; i < 10 && !stopped.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  });
  mg_stop(ctx_);
  stopped = true;
  waker.join();
  ctx_ = nullptr;
}

void HttpServer::WakeListener() const {
  std::string host = options_.listen_address.substr(0, options_.listen_address.rfind(':'));
  const bool v6 = !host.empty() && host.front() == '[';
  if (v6) host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "0.0.0.0" || host == "localhost") host = "127.0.0.1";
  if (v6 && host == "::") host = "::1";
  const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<std::uint16_t>(port_));
    if (inet_pton(AF_INET6, host.c_str(), &a.sin6_addr) == 1) {
      connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) == 1) {
      connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
  }
  close(fd);
}

int HttpServer::OnRequest(mg_connection* conn, void* self) {
  return static_cast<HttpServer*>(self)->Serve(conn);
}

int HttpServer::Serve(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  HttpRequest req;
  req.method = info->request_method ? info->request_method : "";
  req.path = info->local_uri ? info->local_uri : "";
  req.query = info->query_string ? info->query_string : "";
  for (int i = 0; i < info->num_headers; ++i) {
    std::string name = info->http_headers[i].name ? info->http_headers[i].name : "";
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = info->http_headers[i].value ? info->http_headers[i].value : "";
  }
  req.remote_addr = ClientAddress(info->remote_addr, req.headers, options_.trusted_proxies);
  const bool head = req.method == "HEAD";
  const NamedRoute* named = Find(req.path);
  // Early answers are counted under the route they were meant for.
  auto early = [&](int status) {
    if (metrics_) metrics_->Observe(named ? named->name : "not_found", status, 0);
    return status;
  };
  // A body the server does not read must not be parsed as the next request on the
  // connection: every early answer closes it (AnswerAndClose).
  const bool has_body = info->content_length != 0;
  // A refusal before the body is read (cross-origin, credentials).
  auto refuse = [&](const HttpResponse& answer) {
    if (has_body) {
      AnswerAndClose(conn, answer, head, options_.max_body_bytes);
    } else {
      Write(conn, answer, head);
    }
    return early(answer.status);
  };
  if (req.headers.count("transfer-encoding") && req.headers.count("content-length")) {
    // Two framings of one body are how requests get smuggled past a proxy (RFC 9112 §6.1):
    // civetweb would pick one silently, so the request is refused instead.
    mg_disable_connection_keep_alive(conn);
    Write(conn,
          HttpResponse::JsonError(400, "ambiguous request length",
                                  "send either Content-Length or Transfer-Encoding, not both"),
          head);
    return early(400);
  }
  const bool post = req.method == "POST";
  // Before credentials are looked at: a refused cross-site request costs no bcrypt and
  // prompts for nothing.
  if (const auto refusal = cross_origin_.Check(req, post && named && named->route.post_json)) {
    if (metrics_) metrics_->ObserveRefusal(CrossOriginRefusalName(*refusal));
    return refuse(CrossOriginGuard::Answer(*refusal));
  }
  const bool bearer = post && named && named->route.post_bearer &&
                      req.Header("authorization").value_or("").rfind("Bearer ", 0) == 0;
  const bool open =
      named && named->route.public_get && (req.method == "GET" || req.method == "HEAD");
  if (authenticator_ && !bearer && !open) {
    if (auto denied = authenticator_(req)) return refuse(*denied);
  }

  if (info->content_length > 0 &&
      static_cast<unsigned long long>(info->content_length) > options_.max_body_bytes) {
    AnswerAndClose(conn,
                   HttpResponse::JsonError(
                       413, "request body too large",
                       "the limit is " + std::to_string(options_.max_body_bytes) + " bytes"),
                   head, options_.max_body_bytes);
    return early(413);
  }
  if (info->content_length != 0) {  // known length, or chunked (-1)
    char buf[8192];
    for (;;) {
      const int got = mg_read(conn, buf, sizeof buf);
      if (got <= 0) break;
      req.body.append(buf, static_cast<std::size_t>(got));
      if (req.body.size() > options_.max_body_bytes) {
        AnswerAndClose(conn, HttpResponse::JsonError(413, "request body too large"), head,
                       options_.max_body_bytes);
        return early(413);
      }
    }
  }

  return Dispatch(conn, named, req);
}

const HttpServer::NamedRoute* HttpServer::Find(const std::string& path) const {
  if (auto route = routes_.find(path); route != routes_.end()) return &route->second;
  const NamedRoute* found = nullptr;
  std::size_t best = 0;
  for (const auto& [prefix, r] : prefix_routes_) {
    if (path.rfind(prefix, 0) == 0 && prefix.size() > best) {
      best = prefix.size();
      found = &r;
    }
  }
  return found;
}

int HttpServer::Dispatch(mg_connection* conn, const NamedRoute* named, const HttpRequest& req) {
  const auto started = std::chrono::steady_clock::now();
  const bool head = req.method == "HEAD";
  const bool get = req.method == "GET" || head;
  CivetStream out(conn, head);
  bool streamed = false;
  if (!named) {
    out.Respond(HttpResponse::JsonError(404, "not found", req.path));
  } else {
    const Route& route = named->route;
    try {
      if (get && route.stream) {
        streamed = true;
        route.stream(req, out);
      } else if (get && route.get) {
        out.Respond(route.get(req));
      } else if (req.method == "POST" && route.post) {
        out.Respond(route.post(req));
      } else {
        std::string allow;
        if (route.get || route.stream) allow = "GET, HEAD";
        if (route.post) allow += allow.empty() ? "POST" : ", POST";
        HttpResponse r = HttpResponse::JsonError(405, "method not allowed", "use " + allow);
        r.headers.emplace_back("Allow", allow);
        out.Respond(r);
      }
    } catch (const std::exception& e) {
      // A stream that has begun cannot change its status: it ends, visibly incomplete.
      if (out.status() == 0) {
        out.Respond(InternalError(req, e));
      } else {
        InternalError(req, e);
        out.Abort();
      }
    }
  }
  if (metrics_) {
    const double seconds =
        streamed
            ? -1
            : std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_->Observe(named ? named->name : "not_found", out.status(), seconds);
  }
  return out.status() > 0 ? out.status() : 200;
}

}  // namespace pipeline_exporter

#pragma once
// A request as handlers see it, the response they return, and the stream a handler may
// write instead (SSE, export): plain values and one small interface, so handlers are
// testable without a server.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipeline_exporter {

struct HttpRequest {
  std::string method;
  std::string path;                            // decoded, without the query
  std::string query;                           // raw, without '?'
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_addr;  // the client's IP address
  std::string user;         // the web-config user who authenticated; empty without one

  std::optional<std::string> Header(const std::string& lower_name) const;
  // A decoded query parameter; nullopt when absent.
  std::optional<std::string> Param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // {"error": message, "detail": detail} with the given status (SPEC §5).
  static HttpResponse JsonError(int status, const std::string& message,
                                const std::string& detail = "");

  // A 5xx that names nothing inside (SQL, users, paths): `internal_detail` goes to the log
  // under a request id, and the client gets `message` and that id (also X-Request-Id).
  static HttpResponse ServerError(int status, const std::string& message,
                                  const HttpRequest& request, const std::string& internal_detail);
};

// A response written as it goes: headers first, then pieces of body; the connection is
// closed when the handler returns. Used on one handler thread only.
class HttpStream {
 public:
  virtual ~HttpStream() = default;
  // A normal, complete response instead of a stream (e.g. a 404 or a 503).
  virtual void Respond(const HttpResponse& response) = 0;
  // Sends the status line and headers (with the security headers). With `chunked` the body
  // is sent in chunks (Transfer-Encoding: chunked), else it ends when the connection closes.
  virtual bool Begin(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                     bool chunked = false) = 0;
  // False once the client has gone.
  virtual bool Write(std::string_view data) = 0;
  // The status sent (for the request metrics); 0 before any.
  virtual int status() const = 0;
  // True once the client has closed its end (noticed on the socket itself, without a write),
  // so a stream can end and free its slot at once. The first call must be on the handler's
  // thread; after it, any thread may ask while the handler runs.
  virtual bool ClientGone() = 0;
};

}  // namespace pipeline_exporter

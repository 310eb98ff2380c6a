#include "exporter/http/http_server.h"

#include <gtest/gtest.h>

#include <atomic>

#include "exporter/http/http_metrics.h"
#include "tests/fakes/http_client.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.num_threads = 4;
    o.max_body_bytes = 1000;
    server_ = std::make_unique<HttpServer>(o);
    auto echo = [](const HttpRequest& r) {
      HttpResponse resp;
      resp.body = r.method + " " + r.Param("q").value_or("-") + " " + r.body + " " +
                  r.Header("x-test").value_or("-");
      return resp;
    };
    server_->Handle("echo", "/echo", {echo, echo, {}});
    server_->Handle("boom", "/boom",
                    {[](const HttpRequest&) -> HttpResponse {
                       throw std::runtime_error("SELECT secret FROM users");
                     },
                     {},
                     {}});
    server_->Handle("read_only", "/read-only",
                    {[](const HttpRequest&) { return HttpResponse{}; }, {}, {}});
    server_->Handle("stream", "/stream",
                    {{}, {}, [](const HttpRequest&, HttpStream& out) {
                       if (!out.Begin(200, {{"Content-Type", "text/plain"}}, true)) return;
                       out.Write("one,");
                       out.Write("two");
                     }});
    server_->SetMetrics(&metrics_);
    server_->Start();
    ASSERT_GT(server_->port(), 0);
  }
  HttpMetrics metrics_;
  std::unique_ptr<HttpServer> server_;
};

std::string ExpositionText(const HttpMetrics& m) {
  std::string out;
  for (const auto& f : m.Collect()) {
    for (const auto& c : f.metric) {
      std::string labels;
      for (const auto& l : c.label) labels += l.name + "=" + l.value + ",";
      const double v = f.type == prometheus::MetricType::Counter ? c.counter.value
                                                                 : double(c.histogram.sample_count);
      out += f.name + "{" + labels + "} " + std::to_string(static_cast<long long>(v)) + "\n";
    }
  }
  return out;
}

TEST_F(HttpServerTest, PortZeroPicksAFreePort) { EXPECT_NE(server_->port(), 0); }

TEST_F(HttpServerTest, RoutesAndPassesQueryHeadersAndBody) {
  const auto r = HttpGet(server_->port(), "/echo?q=a%20b&z=1", {{"X-Test", "yes"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET a b  yes");
  const auto p = HttpRequestRaw(server_->port(), "POST", "/echo", "hello", {});
  EXPECT_EQ(p.body, "POST - hello -");
}

TEST_F(HttpServerTest, UnknownPathIsAJson404WithSecurityHeaders) {
  const auto r = HttpGet(server_->port(), "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"error":"not found","detail":"/nope"})");
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
  EXPECT_EQ(r.Header("referrer-policy"), "no-referrer");
  EXPECT_FALSE(r.Header("content-security-policy").empty());
  EXPECT_TRUE(r.Header("access-control-allow-origin").empty());
}

TEST_F(HttpServerTest, HandlerExceptionsBecomeAGeneric500WithARequestId) {
  const auto r = HttpGet(server_->port(), "/boom");
  EXPECT_EQ(r.status, 500);
  // What went wrong stays in the log: the client gets the id to quote.
  EXPECT_EQ(r.body.find("SELECT"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("request id " + r.Header("x-request-id")), std::string::npos) << r.body;
  EXPECT_FALSE(r.Header("x-request-id").empty());
}

TEST_F(HttpServerTest, TheFrameworkDispatchesTheMethod) {
  const auto post = HttpRequestRaw(server_->port(), "POST", "/read-only", "x", {});
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Header("allow"), "GET, HEAD");
  const auto del = HttpRequestRaw(server_->port(), "DELETE", "/echo", "", {});
  EXPECT_EQ(del.status, 405);
  EXPECT_EQ(del.Header("allow"), "GET, HEAD, POST");
  EXPECT_EQ(HttpRequestRaw(server_->port(), "HEAD", "/read-only", "", {}).status, 200);
}

TEST_F(HttpServerTest, StreamsAreChunked) {
  const auto r = HttpGet(server_->port(), "/stream");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.body, "one,two");
}

TEST_F(HttpServerTest, EveryRequestIsCountedPerHandlerAndCode) {
  HttpGet(server_->port(), "/echo");
  HttpGet(server_->port(), "/echo");
  HttpGet(server_->port(), "/boom");
  HttpGet(server_->port(), "/nope");
  HttpRequestRaw(server_->port(), "POST", "/echo", std::string(5000, 'x'), {});
  // A request is counted once its answer is written: the client may read it first.
  std::string text;
  EXPECT_TRUE(WaitUntil([&] {
    text = ExpositionText(metrics_);
    return text.find("handler=echo,code=413,} 1") != std::string::npos &&
           text.find("handler=not_found,code=404,} 1") != std::string::npos &&
           text.find("duration_seconds{handler=echo,} 3") != std::string::npos;
  }));
  EXPECT_NE(text.find("pipeline_exporter_http_requests_total{handler=echo,code=200,} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("pipeline_exporter_http_requests_total{handler=boom,code=500,} 1"),
            std::string::npos);
  EXPECT_NE(text.find("pipeline_exporter_http_requests_total{handler=not_found,code=404,} 1"),
            std::string::npos);
  EXPECT_NE(text.find("pipeline_exporter_http_requests_total{handler=echo,code=413,} 1"),
            std::string::npos);
  EXPECT_NE(text.find("pipeline_exporter_http_request_duration_seconds{handler=echo,} 3"),
            std::string::npos)
      << text;
}

TEST_F(HttpServerTest, BodiesOverTheLimitAreRefused) {
  const auto r = HttpRequestRaw(server_->port(), "POST", "/echo", std::string(5000, 'x'), {});
  EXPECT_EQ(r.status, 413);
}

TEST_F(HttpServerTest, APortInUseIsAClearError) {
  HttpServerOptions o;
  o.listen_address = "127.0.0.1:" + std::to_string(server_->port());
  HttpServer second(o);
  try {
    second.Start();
    FAIL() << "started twice on one port";
  } catch (const HttpServerError& e) {
    EXPECT_NE(
        std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(server_->port())),
        std::string::npos)
        << e.what();
  }
}

TEST(HttpServerProxyTest, XRealIpIsBelievedOnlyFromATrustedProxy) {
  auto serve = [](std::vector<std::string> trusted) {
    HttpServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.num_threads = 2;
    o.trusted_proxies = std::move(trusted);
    auto s = std::make_unique<HttpServer>(o);
    s->Handle("who", "/who",
              {[](const HttpRequest& r) {
                 HttpResponse resp;
                 resp.body = r.remote_addr;
                 return resp;
               },
               {},
               {}});
    s->Start();
    return s;
  };
  auto trusting = serve({"127.0.0.1"});
  EXPECT_EQ(HttpGet(trusting->port(), "/who", {{"X-Real-IP", "203.0.113.9"}}).body, "203.0.113.9");
  EXPECT_EQ(HttpGet(trusting->port(), "/who").body, "127.0.0.1");
  auto other = serve({"192.0.2.1"});
  EXPECT_EQ(HttpGet(other->port(), "/who", {{"X-Real-IP", "203.0.113.9"}}).body, "127.0.0.1");
  auto none = serve({});
  EXPECT_EQ(HttpGet(none->port(), "/who", {{"X-Real-IP", "203.0.113.9"}}).body, "127.0.0.1");
}

TEST_F(HttpServerTest, BothContentLengthAndChunkedAreRefused) {
  const auto r = HttpSendBytes(server_->port(),
                               "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                               5000, /*until_closed=*/true);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("ambiguous request length"), std::string::npos) << r.body;
}

TEST(HttpServerAddressTest, ListenAddressesMapToCivetwebPorts) {
  EXPECT_EQ(HttpServer::ListeningPorts(":5066"), "5066");
  EXPECT_EQ(HttpServer::ListeningPorts("0.0.0.0:5066"), "0.0.0.0:5066");
  EXPECT_EQ(HttpServer::ListeningPorts("localhost:80"), "127.0.0.1:80");
  EXPECT_EQ(HttpServer::ListeningPorts("[::1]:5066"), "[::1]:5066");
}

// The cross-origin rule and the token path, on a server with an authenticator (as with
// web-config users), a JSON route that takes a token, and a trusted proxy origin.
class HttpServerCrossOriginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.num_threads = 4;
    o.trusted_origins = {"https://pipelines.example.com"};
    server_ = std::make_unique<HttpServer>(o);
    auto counted = [this](const HttpRequest& r) {
      ++handled_;
      HttpResponse resp;
      resp.body = r.user.empty() ? "anonymous" : r.user;
      return resp;
    };
    HttpServer::Route control{counted, counted, {}};
    control.post_json = true;
    control.post_bearer = true;
    server_->Handle("control", "/control", control);
    HttpServer::Route silence{{}, counted, {}};
    silence.post_json = true;
    server_->Handle("silence", "/silence", silence);
    server_->SetAuthenticator([this](HttpRequest& r) -> std::optional<HttpResponse> {
      ++asked_;
      if (r.Header("authorization").value_or("") != "Basic ok") {
        return HttpResponse::JsonError(401, "unauthorized");
      }
      r.user = "alice";
      return std::nullopt;
    });
    server_->SetMetrics(&metrics_);
    server_->Start();
  }

  HttpResult Post(const std::string& path, HeaderList headers,
                  const std::string& type = "application/json") {
    headers.push_back({"Authorization", "Basic ok"});
    if (!type.empty()) headers.push_back({"Content-Type", type});
    return HttpRequestRaw(server_->port(), "POST", path, R"({"action":"cancel"})", headers);
  }

  HttpMetrics metrics_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<int> handled_{0};
  std::atomic<int> asked_{0};
};

TEST_F(HttpServerCrossOriginTest, ABrowsersCrossSitePostIsRefusedBeforeCredentialsAreAsked) {
  for (const char* site : {"cross-site", "same-site", "Cross-Site"}) {
    const auto r = Post("/control", {{"Sec-Fetch-Site", site}, {"Origin", "http://evil.example"}});
    EXPECT_EQ(r.status, 403) << site;
    EXPECT_NE(r.body.find("cross-origin request refused"), std::string::npos) << r.body;
  }
  // A form's text/plain POST from another site: refused for where it comes from first.
  const auto form =
      Post("/control", {{"Sec-Fetch-Site", "cross-site"}, {"Origin", "null"}}, "text/plain");
  EXPECT_EQ(form.status, 403);
  EXPECT_EQ(handled_, 0);
  EXPECT_EQ(asked_, 0);
  const std::string text = ExpositionText(metrics_);
  EXPECT_NE(
      text.find("pipeline_exporter_http_cross_origin_refused_total{reason=sec_fetch_site,} 4"),
      std::string::npos)
      << text;
  // A request is counted once it has been answered: wait for the last one.
  EXPECT_TRUE(WaitUntil([&] {
    return ExpositionText(metrics_).find("handler=control,code=403,} 4") != std::string::npos;
  })) << ExpositionText(metrics_);
}

TEST(HttpServerPublicRouteTest, AnswersGetWithoutCredentialsAndNothingElse) {
  HttpServer::Route probe{[](const HttpRequest&) {
                            HttpResponse r;
                            r.body = "ready";
                            return r;
                          },
                          [](const HttpRequest&) { return HttpResponse{}; },
                          {}};
  probe.public_get = true;
  HttpServerOptions o;
  o.listen_address = "127.0.0.1:0";
  o.num_threads = 2;
  HttpServer server(o);
  server.Handle("ready", "/-/ready", probe);
  server.Handle("control", "/control",
                HttpServer::Route{[](const HttpRequest&) { return HttpResponse{}; }, {}, {}});
  server.SetAuthenticator([](HttpRequest&) -> std::optional<HttpResponse> {
    return HttpResponse::JsonError(401, "unauthorized");
  });
  server.Start();
  const auto get = HttpRequestRaw(server.port(), "GET", "/-/ready", "", {});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "ready");
  EXPECT_EQ(HttpRequestRaw(server.port(), "POST", "/-/ready", "", {}).status, 401);
  EXPECT_EQ(HttpRequestRaw(server.port(), "GET", "/control", "", {}).status, 401);
  server.Stop();
}

TEST_F(HttpServerCrossOriginTest, AnOriginThatIsNotTheHostIsRefusedWithoutSecFetchSite) {
  // HttpRequestRaw sends Host: 127.0.0.1.
  for (const char* origin : {"http://evil.example", "http://127.0.0.1:8080",
                             "https://127.0.0.1:8443", "null", "garbage"}) {
    EXPECT_EQ(Post("/silence", {{"Origin", origin}}).status, 403) << origin;
  }
  EXPECT_EQ(handled_, 0);
  EXPECT_NE(ExpositionText(metrics_).find("cross_origin_refused_total{reason=origin,} 5"),
            std::string::npos);
}

TEST_F(HttpServerCrossOriginTest, TheSameOriginMachinesAndTrustedProxiesPass) {
  EXPECT_EQ(Post("/control", {}).status, 200);  // curl, a cron job: no browser headers
  EXPECT_EQ(Post("/control", {{"Sec-Fetch-Site", "same-origin"}}).status, 200);
  EXPECT_EQ(Post("/control", {{"Sec-Fetch-Site", "none"}}).status, 200);  // typed by the user
  EXPECT_EQ(Post("/control", {{"Origin", "http://127.0.0.1"}}).status, 200);
  EXPECT_EQ(Post("/control", {{"Origin", "http://127.0.0.1:80"}}).status, 200);
  EXPECT_EQ(Post("/control", {{"Origin", "https://pipelines.example.com"}}).status, 200);
  EXPECT_EQ(Post("/control",
                 {{"Origin", "https://pipelines.example.com"}, {"Sec-Fetch-Site", "cross-site"}})
                .status,
            200);
  EXPECT_EQ(handled_, 7);
  // Reading is never refused, wherever it comes from.
  EXPECT_EQ(HttpGet(server_->port(), "/control",
                    {{"Authorization", "Basic ok"},
                     {"Sec-Fetch-Site", "cross-site"},
                     {"Origin", "http://evil.example"}})
                .status,
            200);
}

TEST_F(HttpServerCrossOriginTest, AJsonRouteTakesOnlyJson) {
  EXPECT_EQ(Post("/control", {}, "application/json; charset=utf-8").status, 200);
  EXPECT_EQ(Post("/control", {}, "Application/JSON").status, 200);
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/jsonp", ""}) {
    const auto r = Post("/control", {}, type);
    EXPECT_EQ(r.status, 415) << type;
    EXPECT_NE(r.body.find("application/json"), std::string::npos);
  }
  EXPECT_EQ(handled_, 2);
  EXPECT_NE(ExpositionText(metrics_).find("cross_origin_refused_total{reason=content_type,} 5"),
            std::string::npos);
}

TEST_F(HttpServerCrossOriginTest, ABearerTokenSkipsBasicAuthOnlyWhereTheRouteChecksIt) {
  const HeaderList bearer = {{"Authorization", "Bearer t0ken"},
                             {"Content-Type", "application/json"}};
  const auto control = HttpRequestRaw(server_->port(), "POST", "/control", "{}", bearer);
  EXPECT_EQ(control.status, 200);
  EXPECT_EQ(control.body, "anonymous");  // the handler checks the token itself
  EXPECT_EQ(asked_, 0);
  // Not on a route that checks no token, nor for a GET.
  EXPECT_EQ(HttpRequestRaw(server_->port(), "POST", "/silence", "{}", bearer).status, 401);
  EXPECT_EQ(HttpGet(server_->port(), "/control", {{"Authorization", "Bearer t0ken"}}).status, 401);
  EXPECT_EQ(handled_, 1);
}

}  // namespace
}  // namespace pipeline_exporter

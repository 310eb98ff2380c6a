#include "exporter/http/http_server.h"

#include <gtest/gtest.h>

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

std::string Exposition(const HttpMetrics& m) {
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
    text = Exposition(metrics_);
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

}  // namespace
}  // namespace pipeline_exporter

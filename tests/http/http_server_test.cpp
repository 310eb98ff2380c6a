#include "exporter/http/http_server.h"

#include <gtest/gtest.h>

#include "tests/fakes/http_client.h"

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
    server_->Handle("/echo", [](const HttpRequest& r) {
      HttpResponse resp;
      resp.body = r.method + " " + r.Param("q").value_or("-") + " " + r.body + " " +
                  r.Header("x-test").value_or("-");
      return resp;
    });
    server_->Handle("/boom",
                    [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("kaput"); });
    server_->Start();
    ASSERT_GT(server_->port(), 0);
  }
  std::unique_ptr<HttpServer> server_;
};

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

TEST_F(HttpServerTest, HandlerExceptionsBecomeJson500) {
  const auto r = HttpGet(server_->port(), "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("kaput"), std::string::npos);
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

TEST(HttpServerAddressTest, ListenAddressesMapToCivetwebPorts) {
  EXPECT_EQ(HttpServer::ListeningPorts(":5066"), "5066");
  EXPECT_EQ(HttpServer::ListeningPorts("0.0.0.0:5066"), "0.0.0.0:5066");
  EXPECT_EQ(HttpServer::ListeningPorts("localhost:80"), "127.0.0.1:80");
  EXPECT_EQ(HttpServer::ListeningPorts("[::1]:5066"), "[::1]:5066");
}

}  // namespace
}  // namespace pipeline_exporter

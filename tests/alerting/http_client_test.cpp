#include "exporter/alerting/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exporter/http/http_server.h"

namespace pipeline_exporter {
namespace {

// A socket that listens on a free loopback port and never accepts: connects succeed (the
// kernel's backlog), requests are never answered.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 8);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.num_threads = 4;
    server_ = std::make_unique<HttpServer>(o);
    auto echo = [](const HttpRequest& r) {
      HttpResponse resp;
      resp.content_type = "application/json";
      resp.body = r.method + " " + r.path + "?" + r.query + " " +
                  r.Header("content-type").value_or("-") + " " + r.body;
      return resp;
    };
    server_->HandlePrefix("echo", "/am/", {echo, echo, {}});
    server_->Handle("chunked", "/am/chunked",
                    {{}, {}, [](const HttpRequest&, HttpStream& out) {
                       if (!out.Begin(200, {{"Content-Type", "application/json"}}, true)) return;
                       out.Write("[{\"a\":");
                       out.Write(std::string(20000, ' '));
                       out.Write("1}]");
                     }});
    server_->Handle("big", "/am/big",
                    {[](const HttpRequest&) {
                       HttpResponse resp;
                       resp.body = std::string(100000, 'x');
                       return resp;
                     },
                     {},
                     {}});
    server_->Start();
    ASSERT_GT(server_->port(), 0);
  }
  HttpUrl Url() const { return HttpUrl{"127.0.0.1", server_->port(), "/am"}; }
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpClientTest, SendsTheRequestUnderThePrefixAndReadsTheAnswer) {
  HttpClient client(Url(), HttpClientOptions{});
  auto r = client.Send("GET", "/api/v2/alerts?filter=x");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.body, "GET /am/api/v2/alerts?filter=x - ");
  EXPECT_EQ(r.headers["content-type"], "application/json");
  r = client.Send("POST", "/api/v2/silences", "{\"a\":1}");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "POST /am/api/v2/silences? application/json {\"a\":1}");
}

TEST_F(HttpClientTest, DecodesAChunkedAnswer) {
  HttpClient client(Url(), HttpClientOptions{});
  const auto r = client.Send("GET", "/chunked");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "[{\"a\":" + std::string(20000, ' ') + "1}]");
}

TEST_F(HttpClientTest, RefusesAnAnswerLongerThanTheCap) {
  HttpClientOptions o;
  o.max_body_bytes = 50000;
  HttpClient client(Url(), o);
  const auto r = client.Send("GET", "/big");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("longer than 50000"), std::string::npos) << r.error;
  EXPECT_TRUE(r.body.empty());
  o.max_body_bytes = 100000;
  EXPECT_EQ(HttpClient(Url(), o).Send("GET", "/big").body.size(), 100000u);
}

TEST(HttpClientDeadlineTest, APeerThatNeverAnswersCostsNoMoreThanTheDeadline) {
  SilentListener silent;
  HttpClientOptions o;
  o.timeout_ms = 300;
  HttpClient client(HttpUrl{"127.0.0.1", silent.port(), ""}, o);
  const auto r = client.Send("GET", "/api/v2/alerts");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
}

TEST(HttpClientDeadlineTest, NothingListeningIsAnError) {
  int port = 0;
  {
    SilentListener gone;  // a port that was free a moment ago
    port = gone.port();
  }
  HttpClient client(HttpUrl{"127.0.0.1", port, ""}, HttpClientOptions{});
  const auto r = client.Send("GET", "/");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("connect"), std::string::npos) << r.error;
  const auto unresolvable =
      HttpClient(HttpUrl{"no-such-host.invalid", 80, ""}, HttpClientOptions{}).Send("GET", "/");
  EXPECT_EQ(unresolvable.status, 0);
  EXPECT_FALSE(unresolvable.error.empty());
}

}  // namespace
}  // namespace pipeline_exporter

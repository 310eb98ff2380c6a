// The shipped TLS reverse-proxy configuration (deploy/nginx/pipeline_exporter.conf) in a real
// Debian nginx with a self-signed certificate made for the test, in front of the real
// exporter with basic auth: HTTPS /metrics and the page behind the same users, plain HTTP
// redirected, and an SSE stream whose events arrive through the proxy one by one.
// HTTPS is spoken by curl (the exporter's tests have no TLS client of their own).

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/e2e/exporter_harness.h"
#include "tests/fakes/bcrypt_hash.h"

namespace pipeline_exporter {
namespace {

// Replaces every `from` and fails the test when there is none: the test must exercise the
// shipped file, so a change there that breaks a substitution is caught here.
void Substitute(std::string& text, const std::string& from, const std::string& to) {
  std::size_t n = 0;
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
    text.replace(pos, from.size(), to);
    pos += to.size();
    ++n;
  }
  EXPECT_GT(n, 0u) << "the shipped nginx config no longer contains: " << from;
}

std::string NginxBinary() {
  for (const char* p : {"/usr/sbin/nginx", "/usr/local/sbin/nginx"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "nginx";
}

class NginxProxyTest : public ExporterHarness, public ::testing::Test {
 protected:
  void SetUp() override {
    https_port_ = FreePort();
    // nginx passes Host without the port ($host), so the browser's Origin
    // (https://localhost:PORT) is named as the proxy's public origin.
    SetUpDatabase(Backend::kSqlite, "",
                  "web:\n  trusted_origins: [\"https://localhost:" + std::to_string(https_port_) +
                      "\"]\ncontrol:\n  enabled: true\n");
    // A self-signed certificate for "localhost", valid for the test only.
    std::string out;
    const int rc = RunCommand(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout " +
            dir_.File("key.pem") + " -out " + dir_.File("cert.pem") + " 2>&1",
        &out);
    ASSERT_NE(rc, 127) << "openssl is not installed (Debian package openssl): " << out;
    ASSERT_EQ(rc, 0) << out;

    std::ofstream(dir_.File("web.yml")) << "basic_auth_users:\n  alice: " << BcryptHash("s3cret")
                                        << "\ntrusted_proxies: [127.0.0.1]\n";
    exporter_ = Start({"--web.config.file=" + dir_.File("web.yml")}, /*wait_for_poll=*/false);
    ASSERT_GT(exporter_->port(), 0);

    http_port_ = FreePort();
    std::string site =
        ReadFile(std::string(PE_SOURCE_DIR) + "/deploy/nginx/pipeline_exporter.conf");
    ASSERT_FALSE(site.empty()) << "deploy/nginx/pipeline_exporter.conf is missing";
    Substitute(site, "server 127.0.0.1:5066;",
               "server 127.0.0.1:" + std::to_string(exporter_->port()) + ";");
    Substitute(site, "listen 443 ssl http2;",
               "listen 127.0.0.1:" + std::to_string(https_port_) + " ssl http2;");
    Substitute(site, "listen [::]:443 ssl http2;", "");
    Substitute(site, "listen 80;", "listen 127.0.0.1:" + std::to_string(http_port_) + ";");
    Substitute(site, "listen [::]:80;", "");
    Substitute(site, "/etc/ssl/pipeline_exporter/cert.pem", dir_.File("cert.pem"));
    Substitute(site, "/etc/ssl/pipeline_exporter/key.pem", dir_.File("key.pem"));
    std::ofstream(dir_.File("site.conf")) << site;

    const std::string d = dir_.path().string();
    std::ofstream(dir_.File("nginx.conf"))
        << (geteuid() == 0 ? "user root;\n" : "") << "daemon off;\nworker_processes 1;\npid " << d
        << "/nginx.pid;\nerror_log " << d << "/nginx-error.log info;\n"
        << "events { worker_connections 128; }\nhttp {\n  access_log " << d
        << "/nginx-access.log;\n  client_body_temp_path " << d << "/body;\n  proxy_temp_path " << d
        << "/proxy;\n  fastcgi_temp_path " << d << "/fastcgi;\n  uwsgi_temp_path " << d
        << "/uwsgi;\n  scgi_temp_path " << d << "/scgi;\n  include " << d << "/site.conf;\n}\n";
    std::string check;
    const int t = RunCommand(NginxBinary() + " -t -e " + d + "/nginx-error.log -p " + d + " -c " +
                                 dir_.File("nginx.conf") + " 2>&1",
                             &check);
    ASSERT_NE(t, 127) << "nginx is not installed (Debian package nginx): " << check;
    ASSERT_EQ(t, 0) << "nginx -t refused the shipped config:\n" << check;
    nginx_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"-e", d + "/nginx-error.log", "-p", d, "-c",
                                 dir_.File("nginx.conf")},
        d, dir_.File("nginx.out"), NginxBinary());
    ASSERT_TRUE(
        WaitUntil([&] { return Curl("/api/health", "-u alice:s3cret").first == 200; }, seconds(10)))
        << "nginx did not start:\n"
        << ReadFile(dir_.File("nginx-error.log")) << ReadFile(dir_.File("nginx.out"));
  }

  void TearDown() override {
    if (nginx_) {
      EXPECT_EQ(nginx_->Terminate(), 0) << ReadFile(dir_.File("nginx-error.log"));
    }
    if (exporter_) {
      EXPECT_EQ(exporter_->Terminate(), 0);
    }
  }

  std::string CurlBase() const {
    return "curl -sS --max-time 10 --cacert " + dir_.File("cert.pem") +
           " --resolve localhost:" + std::to_string(https_port_) + ":127.0.0.1 ";
  }
  std::string Url(const std::string& path) const {
    return "https://localhost:" + std::to_string(https_port_) + path;
  }

  // (status, body) of one HTTPS request through the proxy; headers go to `headers_file`.
  std::pair<int, std::string> Curl(const std::string& path, const std::string& options = "",
                                   const std::string& headers_file = "/dev/null") {
    const std::string body_file = dir_.File("curl.body");
    std::string out;
    const int rc = RunCommand(CurlBase() + options + " -D " + headers_file + " -o " + body_file +
                                  " -w '%{http_code}' " + Url(path),
                              &out);
    if (rc == 127) ADD_FAILURE() << "curl is not installed (Debian package curl): " << out;
    int status = 0;
    try {
      status = std::stoi(out.substr(out.size() >= 3 ? out.size() - 3 : 0));
    } catch (const std::exception&) {
    }
    return {status, ReadFile(body_file)};
  }

  std::unique_ptr<ExporterProcess> exporter_;
  std::unique_ptr<ExporterProcess> nginx_;
  int https_port_ = 0;
  int http_port_ = 0;
};

TEST_F(NginxProxyTest, MetricsAndPageOverHttpsBehindTheSameAuth) {
  const auto denied = Curl("/metrics");
  EXPECT_EQ(denied.first, 401);
  EXPECT_EQ(Curl("/metrics", "-u alice:wrong").first, 401);
  const std::string headers = dir_.File("metrics.headers");
  const auto metrics = Curl("/metrics", "-u alice:s3cret", headers);
  EXPECT_EQ(metrics.first, 200);
  EXPECT_NE(metrics.second.find("pipeline_exporter_build_info{"), std::string::npos);
  const std::string h = ReadFile(headers);
  EXPECT_NE(h.find("strict-transport-security"), std::string::npos) << h;

  EXPECT_EQ(Curl("/").first, 401);
  const auto page = Curl("/", "-u alice:s3cret", headers);
  EXPECT_EQ(page.first, 200);
  EXPECT_NE(page.second.find("<html"), std::string::npos);
  EXPECT_NE(ReadFile(headers).find("content-security-policy"), std::string::npos);
  EXPECT_EQ(Curl("/static/app.js", "-u alice:s3cret").first, 200);

  // Plain HTTP only redirects to HTTPS.
  std::string out;
  RunCommand(
      "curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}' "
      "http://127.0.0.1:" +
          std::to_string(http_port_) + "/metrics",
      &out);
  EXPECT_EQ(out.rfind("301 https://", 0), 0u) << out;
}

// Batch control through the proxy: the page's request (its Origin the proxy's public origin,
// listed in web.trusted_origins) passes, another origin's is refused; the control row names
// the client that nginx forwarded for.
TEST_F(NginxProxyTest, ControlThroughTheProxyWithItsTrustedOrigin) {
  Insert(1, "", "batch_start");
  Insert(1, "stt", "stage_start", ", totalFiles", ", 4");
  ASSERT_TRUE(WaitUntil([&] {
    return Curl("/api/current-batch", "-u alice:s3cret").second.find("\"running\"") !=
           std::string::npos;
  }));
  const std::string post =
      "-u alice:s3cret -X POST -H 'Content-Type: application/json' --data-binary "
      "'{\"action\": \"pause\"}' ";
  const std::string origin = "https://localhost:" + std::to_string(https_port_);
  const auto evil = Curl("/api/batch/1/control", post + "-H 'Origin: https://evil.example'");
  EXPECT_EQ(evil.first, 403) << evil.second;
  const auto ok = Curl("/api/batch/1/control", post + "-H 'Origin: " + origin + "'");
  ASSERT_EQ(ok.first, 202) << ok.second;
  EXPECT_NE(ok.second.find("\"requestedBy\":\"alice\""), std::string::npos) << ok.second;
  EXPECT_NE(ok.second.find("\"requestedFrom\":\"127.0.0.1\""), std::string::npos) << ok.second;
}

TEST_F(NginxProxyTest, StreamEventsArriveThroughTheProxyOneByOne) {
  const std::string stream_file = dir_.File("stream.out");
  ExporterProcess stream({"-sS", "-N", "--max-time", "60", "--cacert", dir_.File("cert.pem"),
                          "--resolve", "localhost:" + std::to_string(https_port_) + ":127.0.0.1",
                          "-u", "alice:s3cret", Url("/api/stream")},
                         dir_.path().string(), stream_file, "curl");
  ASSERT_TRUE(
      WaitUntil([&] { return ReadFile(stream_file).find("event: snapshot") != std::string::npos; },
                seconds(10)))
      << ReadFile(stream_file);
  // Each row must reach the client before the next is written: a proxy that buffered the
  // stream would hold them back and this would time out.
  for (int i = 0; i < 5; ++i) {
    const std::string name = "proxied-" + std::to_string(i) + ".wav";
    File(1, "stt", "file_complete", name);
    ASSERT_TRUE(WaitUntil(
        [&] {
          return ReadFile(stream_file).find("\"fileName\":\"" + name + "\"") != std::string::npos;
        },
        seconds(5)))
        << "event " << i << " did not come through the proxy:\n"
        << ReadFile(stream_file);
  }
  const std::string text = ReadFile(stream_file);
  std::size_t events = 0;
  for (auto pos = text.find("event: file_complete"); pos != std::string::npos;
       pos = text.find("event: file_complete", pos + 1)) {
    ++events;
  }
  EXPECT_EQ(events, 5u);
  stream.Terminate();
}

}  // namespace
}  // namespace pipeline_exporter

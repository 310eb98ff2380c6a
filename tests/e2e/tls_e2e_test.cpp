// Native TLS from --web.config.file (exporter-toolkit's tls_server_config) through the real
// binary, with certificates made by openssl and requests made by curl: many sequential and
// concurrent HTTPS requests, every client_auth_type against no certificate, a CA-signed one
// and a rogue self-signed one, min_version, plain HTTP on the TLS port, and a bad key file.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/e2e/exporter_harness.h"

namespace pipeline_exporter {
namespace {

class TlsTest : public ExporterHarness, public ::testing::Test {
 protected:
  void SetUp() override {
    SetUpDatabase(Backend::kSqlite);
    const std::string d = dir_.path().string();
    const std::string script =
        "set -e; cd '" + d +
        "'; "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
        "-subj '/CN=pipeline test CA'; "
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
        "-subj '/CN=127.0.0.1'; "
        "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext; "
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out server.crt -days 2 -extfile san.ext; "
        "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr "
        "-subj '/CN=prometheus'; "
        "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out client.crt -days 2; "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.crt -days 2 "
        "-subj '/CN=rogue'";
    std::string out;
    ASSERT_EQ(RunCommand("(" + script + ") >/dev/null 2>&1", &out), 0) << out;
  }

  std::unique_ptr<ExporterProcess> StartTls(const std::string& extra) {
    std::ofstream(dir_.File("web.yml"))
        << "tls_server_config:\n  cert_file: " << dir_.File("server.crt")
        << "\n  key_file: " << dir_.File("server.key") << "\n"
        << extra;
    return Start({"--web.config.file=" + dir_.File("web.yml")}, /*wait_for_poll=*/false);
  }

  // curl's status codes, one per URL ("000" when no HTTP answer came).
  std::string Curl(int port, const std::string& options, int urls = 1,
                   const std::string& path = "/metrics") {
    std::ostringstream cmd;
    cmd << "curl -s -w '%{http_code}\\n' --max-time 10 --cacert '" << dir_.File("ca.crt") << "' "
        << options;
    // -o applies to one URL: every body is dropped, only the codes are printed.
    for (int i = 0; i < urls; ++i) cmd << " -o /dev/null https://127.0.0.1:" << port << path;
    std::string out;
    RunCommand(cmd.str() + " 2>/dev/null", &out);
    return out;
  }
  std::string Cert(const std::string& name) {
    return "--cert '" + dir_.File(name + ".crt") + "' --key '" + dir_.File(name + ".key") + "'";
  }
  // Lines of `text` that are exactly `code`.
  static int Count(const std::string& text, const std::string& code) {
    std::istringstream in(text);
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line == code ? 1 : 0;
    return n;
  }
};

TEST_F(TlsTest, ServesManySequentialAndConcurrentHttpsRequests) {
  auto p = StartTls("");
  ASSERT_GT(p->port(), 0) << p->Log();
  EXPECT_EQ(Count(Curl(p->port(), "", 500), "200"), 500);
  EXPECT_EQ(Count(Curl(p->port(), "--parallel --parallel-max 20 --parallel-immediate", 20,
                       "/api/current-batch"),
                  "200"),
            20);
  // Plain HTTP on the TLS port gets no HTTP answer.
  const auto plain = HttpGet(p->port(), "/metrics");
  EXPECT_NE(plain.status, 200);
  // Still alive and serving.
  EXPECT_EQ(Curl(p->port(), ""), "200\n");
  EXPECT_EQ(p->Terminate(), 0) << p->Log();
}

TEST_F(TlsTest, EveryClientAuthTypeAsExporterToolkitDefinesIt) {
  struct Case {
    const char* type;
    bool none, signed_, rogue;
  };
  const Case cases[] = {
      {"NoClientCert", true, true, true},
      {"RequestClientCert", true, true, true},
      {"RequireAnyClientCert", false, true, true},
      {"VerifyClientCertIfGiven", true, true, false},
      {"RequireAndVerifyClientCert", false, true, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type);
    const std::string ca = std::string(c.type) == "NoClientCert"
                               ? ""
                               : "  client_ca_file: " + dir_.File("ca.crt") + "\n";
    auto p = StartTls(ca + "  client_auth_type: " + c.type + "\n");
    ASSERT_GT(p->port(), 0) << p->Log();
    EXPECT_EQ(Curl(p->port(), "") == "200\n", c.none) << "without a certificate";
    EXPECT_EQ(Curl(p->port(), Cert("client")) == "200\n", c.signed_) << "CA-signed";
    EXPECT_EQ(Curl(p->port(), Cert("rogue")) == "200\n", c.rogue) << "rogue self-signed";
    EXPECT_EQ(p->Terminate(), 0) << p->Log();
  }
}

TEST_F(TlsTest, MinVersionTls13RefusesATls12Client) {
  auto p = StartTls("  min_version: TLS13\n");
  ASSERT_GT(p->port(), 0) << p->Log();
  EXPECT_EQ(Curl(p->port(), "--tls-max 1.2"), "000\n");
  EXPECT_EQ(Curl(p->port(), "--tlsv1.3"), "200\n");
}

TEST_F(TlsTest, ABadKeyStopsStartUpNamingIt) {
  std::ofstream(dir_.File("web.yml"))
      << "tls_server_config:\n  cert_file: " << dir_.File("server.crt")
      << "\n  key_file: " << dir_.File("rogue.key") << "\n";
  ExporterProcess p(
      {"--config.file=" + dir_.File("exporter.yml"), "--web.listen-address=127.0.0.1:0",
       "--web.config.file=" + dir_.File("web.yml")},
      dir_.path().string(), dir_.File("bad.log"));
  const auto code = p.WaitUntilExited(std::chrono::seconds(10));
  ASSERT_TRUE(code) << p.Log();
  EXPECT_NE(*code, 0);
  EXPECT_NE(p.Log().find("tls_server_config.key_file " + dir_.File("rogue.key")), std::string::npos)
      << p.Log();
  EXPECT_NE(p.Log().find("key values mismatch"), std::string::npos) << p.Log();
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/http/basic_auth.h"

#include <gtest/gtest.h>

#include "tests/fakes/bcrypt_hash.h"
#include "tests/fakes/fake_clock.h"

namespace pipeline_exporter {
namespace {

HttpRequest Request(const std::string& path, const std::string& authorization = "",
                    const std::string& addr = "10.1.1.1") {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  r.remote_addr = addr;
  if (!authorization.empty()) r.headers["authorization"] = authorization;
  return r;
}

// "alice:s3cret" and others, base64.
constexpr const char* kAliceRight = "Basic YWxpY2U6czNjcmV0";   // alice:s3cret
constexpr const char* kAliceWrong = "Basic YWxpY2U6d3Jvbmc=";   // alice:wrong
constexpr const char* kMallory = "Basic bWFsbG9yeTpzM2NyZXQ=";  // mallory:s3cret

class BasicAuthTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  BasicAuth auth_{{{"alice", BcryptHash("s3cret")}}, "/metrics", clock_};
};

TEST_F(BasicAuthTest, RightPasswordPasses) { EXPECT_FALSE(auth_.Check(Request("/", kAliceRight))); }

TEST_F(BasicAuthTest, WrongPasswordUnknownUserAndNoHeaderAre401) {
  for (const char* h : {kAliceWrong, kMallory, "", "Bearer x", "Basic !!!"}) {
    const auto r = auth_.Check(Request("/api/health", h));
    ASSERT_TRUE(r) << h;
    EXPECT_EQ(r->status, 401) << h;
    bool challenged = false;
    for (const auto& [k, v] : r->headers)
      challenged |= k == "WWW-Authenticate" && v.rfind("Basic ", 0) == 0;
    EXPECT_TRUE(challenged) << h;
  }
}

TEST_F(BasicAuthTest, TheOpenPathNeedsNoCredentials) {
  EXPECT_FALSE(auth_.Check(Request("/metrics")));
  EXPECT_TRUE(auth_.Check(Request("/metrics/")));
}

TEST_F(BasicAuthTest, RepeatedFailuresFromOneAddressAreRateLimited) {
  for (int i = 0; i < BasicAuth::kMaxFailuresPerMinute; ++i) {
    EXPECT_EQ(auth_.Check(Request("/", kAliceWrong))->status, 401);
  }
  EXPECT_EQ(auth_.Check(Request("/", kAliceRight))->status, 429);    // even the right password
  EXPECT_FALSE(auth_.Check(Request("/", kAliceRight, "10.2.2.2")));  // other addresses unaffected
  clock_.Advance(60'000);
  EXPECT_FALSE(auth_.Check(Request("/", kAliceRight)));
}

}  // namespace
}  // namespace pipeline_exporter

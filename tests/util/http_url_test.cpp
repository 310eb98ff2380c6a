#include "exporter/util/http_url.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(HttpUrlTest, ParsesHostPortAndPrefix) {
  std::string why;
  auto u = ParseHttpUrl("http://alertmanager:9093", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->host, "alertmanager");
  EXPECT_EQ(u->port, 9093);
  EXPECT_EQ(u->path_prefix, "");
  u = ParseHttpUrl("http://10.0.0.5/am/", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->path_prefix, "/am");
  u = ParseHttpUrl("http://[::1]:9093/", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9093);
}

TEST(HttpUrlTest, RefusesWhatItCannotCall) {
  for (const char* bad :
       {"https://am:9093", "am:9093", "http://", "http://:9093", "http://user:pw@am:9093",
        "http://am:99999", "http://am:x", "http://am:9093/?a=b", "http://[::1", "ftp://am"}) {
    std::string why;
    EXPECT_FALSE(ParseHttpUrl(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
  std::string why;
  ParseHttpUrl("https://am:9093", &why);
  EXPECT_NE(why.find("https"), std::string::npos);
}

TEST(HttpUrlTest, OriginsAndAuthoritiesAreNormalized) {
  EXPECT_EQ(NormalizeOrigin("https://Pipelines.Example.com"), "https://pipelines.example.com:443");
  EXPECT_EQ(NormalizeOrigin("http://x"), "http://x:80");
  EXPECT_EQ(NormalizeOrigin("http://x:8080/"), "http://x:8080");
  EXPECT_EQ(NormalizeOrigin(" http://[::1]:5066 "), "http://[::1]:5066");
  for (const char* bad : {"null", "", "x", "ftp://x", "http://", "http://x/path", "http://u@x",
                          "http://x:", "http://x:99999", "http://x:8a", "http://x?q", "http://a b",
                          "http://x y:80", "http://[::1"}) {
    EXPECT_EQ(NormalizeOrigin(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(NormalizeAuthority("127.0.0.1", 80), "127.0.0.1:80");
  EXPECT_EQ(NormalizeAuthority("Exp:05066", 80), "exp:5066");
  EXPECT_EQ(NormalizeAuthority("[::1]", 443), "[::1]:443");
  EXPECT_EQ(NormalizeAuthority("", 80), std::nullopt);
  EXPECT_EQ(NormalizeAuthority("a:b:80", 80), std::nullopt);
}

}  // namespace
}  // namespace pipeline_exporter

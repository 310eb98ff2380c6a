#include "exporter/core/http_url.h"

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

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/http/client_address.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(ClientAddressTest, OnlyATrustedProxyMayNameTheClient) {
  const std::vector<std::string> proxies = {"10.0.0.1", "10.0.0.2"};
  using H = std::map<std::string, std::string>;
  // Not a trusted proxy: its headers are whatever it likes.
  EXPECT_EQ(ClientAddress("203.0.113.9", H{{"x-forwarded-for", "1.2.3.4"}}, proxies),
            "203.0.113.9");
  EXPECT_EQ(ClientAddress("203.0.113.9", H{{"x-real-ip", "1.2.3.4"}}, proxies), "203.0.113.9");
  // A trusted proxy: the right-most address it did not add itself.
  EXPECT_EQ(ClientAddress("10.0.0.1", H{{"x-forwarded-for", "192.0.2.7"}}, proxies), "192.0.2.7");
  EXPECT_EQ(
      ClientAddress("10.0.0.1", H{{"x-forwarded-for", "6.6.6.6, 192.0.2.7, 10.0.0.2"}}, proxies),
      "192.0.2.7");
  EXPECT_EQ(ClientAddress("10.0.0.1", H{{"x-forwarded-for", "2001:db8::7"}}, proxies),
            "2001:db8::7");
  // Only proxies in the list: the left-most of them.
  EXPECT_EQ(ClientAddress("10.0.0.1", H{{"x-forwarded-for", "10.0.0.2"}}, proxies), "10.0.0.2");
  // Garbage stops the walk: nothing further left is believed.
  EXPECT_EQ(ClientAddress("10.0.0.1", H{{"x-forwarded-for", "1.1.1.1, evil, 10.0.0.2"}}, proxies),
            "10.0.0.2");
  EXPECT_EQ(ClientAddress("10.0.0.1", H{{"x-forwarded-for", "not an ip"}}, proxies), "10.0.0.1");
  // X-Real-IP when there is no X-Forwarded-For.
  EXPECT_EQ(ClientAddress("10.0.0.1", H{{"x-real-ip", " 192.0.2.8 "}}, proxies), "192.0.2.8");
  EXPECT_EQ(ClientAddress("10.0.0.1", H{{"x-real-ip", "x\" y=1"}}, proxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", H{}, proxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", H{{"x-forwarded-for", "1.2.3.4"}}, {}), "10.0.0.1");
}

}  // namespace
}  // namespace pipeline_exporter

// The cross-origin rule's table: each combination of method, Sec-Fetch-Site, Origin, Host,
// trusted origins and Content-Type, and what it decides.
#include "exporter/http/cross_origin.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace pipeline_exporter {
namespace {

struct Case {
  const char* method;
  const char* sec_fetch_site;  // nullptr: absent
  const char* origin;
  const char* host;
  const char* content_type;
  bool json_body;
  std::optional<CrossOriginRefusal> expected;
};

HttpRequest RequestOf(const Case& c) {
  HttpRequest r;
  r.method = c.method;
  if (c.sec_fetch_site) r.headers["sec-fetch-site"] = c.sec_fetch_site;
  if (c.origin) r.headers["origin"] = c.origin;
  if (c.host) r.headers["host"] = c.host;
  if (c.content_type) r.headers["content-type"] = c.content_type;
  return r;
}

constexpr auto kSite = CrossOriginRefusal::kSecFetchSite;
constexpr auto kOrigin = CrossOriginRefusal::kOrigin;
constexpr auto kType = CrossOriginRefusal::kContentType;
const char* const kJson = "application/json";

TEST(CrossOriginGuardTest, TheRuleTable) {
  const CrossOriginGuard guard({"https://pipelines.example.com", "http://10.0.0.5:8080/"});
  const Case cases[] = {
      // Reading is never refused.
      {"GET", "cross-site", "http://evil.example", "exp:5066", nullptr, false, std::nullopt},
      {"HEAD", "cross-site", nullptr, "exp:5066", nullptr, false, std::nullopt},
      {"OPTIONS", "cross-site", "http://evil.example", "exp:5066", nullptr, true, std::nullopt},
      // Sec-Fetch-Site decides when present.
      {"POST", "same-origin", "http://other:1", "exp:5066", kJson, true, std::nullopt},
      {"POST", "none", nullptr, "exp:5066", kJson, true, std::nullopt},
      {"POST", "same-site", "http://exp:9999", "exp:5066", kJson, true, kSite},
      {"POST", "cross-site", "http://evil.example", "exp:5066", kJson, true, kSite},
      {"POST", "cross-site", nullptr, "exp:5066", kJson, true, kSite},
      {"POST", "bogus", "http://exp:5066", "exp:5066", kJson, true, kSite},
      {"PUT", "cross-site", "http://evil.example", "exp:5066", kJson, false, kSite},
      {"DELETE", "same-site", nullptr, "exp:5066", nullptr, false, kSite},
      // …unless the origin is trusted (a reverse proxy's public address).
      {"POST", "cross-site", "https://pipelines.example.com", "exp:5066", kJson, true,
       std::nullopt},
      {"POST", "cross-site", "https://pipelines.example.com:443", "exp", kJson, true, std::nullopt},
      {"POST", "cross-site", "http://pipelines.example.com", "exp", kJson, true, kSite},
      // Without it, Origin against Host.
      {"POST", nullptr, "http://exp:5066", "exp:5066", kJson, true, std::nullopt},
      {"POST", nullptr, "http://EXP:5066", "exp:5066", kJson, true, std::nullopt},
      {"POST", nullptr, "https://exp", "exp", kJson, true, std::nullopt},
      {"POST", nullptr, "https://exp:443", "exp", kJson, true, std::nullopt},
      {"POST", nullptr, "http://exp", "exp:80", kJson, true, std::nullopt},
      {"POST", nullptr, "http://[::1]:5066", "[::1]:5066", kJson, true, std::nullopt},
      {"POST", nullptr, "http://exp:5067", "exp:5066", kJson, true, kOrigin},
      {"POST", nullptr, "http://exp", "exp:5066", kJson, true, kOrigin},
      {"POST", nullptr, "http://evil.example", "exp:5066", kJson, true, kOrigin},
      {"POST", nullptr, "null", "exp:5066", kJson, true, kOrigin},
      {"POST", nullptr, "http://exp:5066/path", "exp:5066", kJson, true, kOrigin},
      {"POST", nullptr, "http://exp:5066", nullptr, kJson, true, kOrigin},
      {"POST", nullptr, "http://10.0.0.5:8080", "127.0.0.1:5066", kJson, true, std::nullopt},
      // Neither header: not a browser's cross-site request.
      {"POST", nullptr, nullptr, "exp:5066", kJson, true, std::nullopt},
      {"POST", nullptr, nullptr, nullptr, kJson, true, std::nullopt},
      // A JSON route takes JSON only; where it comes from is decided first.
      {"POST", nullptr, nullptr, "exp:5066", "text/plain", true, kType},
      {"POST", nullptr, nullptr, "exp:5066", nullptr, true, kType},
      {"POST", nullptr, nullptr, "exp:5066", "application/json;charset=UTF-8", true, std::nullopt},
      {"POST", nullptr, nullptr, "exp:5066", " application/json ", true, std::nullopt},
      {"POST", nullptr, nullptr, "exp:5066", "application/json-patch+json", true, kType},
      {"POST", nullptr, nullptr, "exp:5066", "text/plain", false, std::nullopt},
      {"POST", "cross-site", nullptr, "exp:5066", "text/plain", true, kSite},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(guard.Check(RequestOf(c), c.json_body), c.expected)
        << c.method << " site=" << (c.sec_fetch_site ? c.sec_fetch_site : "-")
        << " origin=" << (c.origin ? c.origin : "-") << " host=" << (c.host ? c.host : "-")
        << " type=" << (c.content_type ? c.content_type : "-");
  }
}

TEST(CrossOriginGuardTest, AnswersSayWhatToDo) {
  const HttpResponse site = CrossOriginGuard::Answer(kSite);
  EXPECT_EQ(site.status, 403);
  EXPECT_EQ(site.content_type, "application/json");
  EXPECT_NE(site.body.find("web.trusted_origins"), std::string::npos);
  EXPECT_EQ(CrossOriginGuard::Answer(kOrigin).status, 403);
  const HttpResponse type = CrossOriginGuard::Answer(kType);
  EXPECT_EQ(type.status, 415);
  EXPECT_NE(type.body.find("Content-Type: application/json"), std::string::npos);
  EXPECT_EQ(CrossOriginRefusalName(kSite), "sec_fetch_site");
  EXPECT_EQ(CrossOriginRefusalName(kOrigin), "origin");
  EXPECT_EQ(CrossOriginRefusalName(kType), "content_type");
}

TEST(CrossOriginGuardTest, ATrustedOriginMustBeAnOrigin) {
  for (const char* bad : {"pipelines.example.com", "https://x/path", "ftp://x", "null", ""}) {
    EXPECT_THROW(CrossOriginGuard({bad}), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace pipeline_exporter

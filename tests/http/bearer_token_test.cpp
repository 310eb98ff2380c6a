#include "exporter/http/bearer_token.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

HttpRequest With(const std::string& authorization) {
  HttpRequest r;
  if (!authorization.empty()) r.headers["authorization"] = authorization;
  return r;
}

TEST(BearerTokenTest, OnlyTheExactTokenMatches) {
  EXPECT_TRUE(BearerTokenMatches(With("Bearer abc123"), "abc123"));
  for (const char* wrong : {"", "Bearer", "Bearer ", "Bearer abc12", "Bearer abc1234",
                            "bearer abc123", "Basic abc123", "Bearer  abc123", "Bearer ABC123"}) {
    EXPECT_FALSE(BearerTokenMatches(With(wrong), "abc123")) << wrong;
  }
  // No token configured: nothing matches, not even an empty one.
  EXPECT_FALSE(BearerTokenMatches(With("Bearer "), ""));
  const HttpResponse challenge = BearerChallenge();
  EXPECT_EQ(challenge.status, 401);
  ASSERT_EQ(challenge.headers.size(), 1u);
  EXPECT_EQ(challenge.headers[0].second, "Bearer");
}

}  // namespace
}  // namespace pipeline_exporter

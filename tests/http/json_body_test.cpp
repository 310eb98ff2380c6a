#include "exporter/http/json_body.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(JsonBodyTest, OptionalTextFieldIsAbsentNullOrBoundedUtf8) {
  const Json body = Json::parse(R"({"reason": "GPU 3 too hot", "none": null, "n": 5,
                                    "long": "abcdef", "bad": "\u00e9"})");
  std::string out;
  HttpResponse error;
  EXPECT_TRUE(OptionalTextField(body, "absent", 10, &out, &error));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(OptionalTextField(body, "none", 10, &out, &error));
  EXPECT_TRUE(OptionalTextField(body, "reason", 100, &out, &error));
  EXPECT_EQ(out, "GPU 3 too hot");
  EXPECT_FALSE(OptionalTextField(body, "n", 10, &out, &error));
  EXPECT_EQ(error.status, 400);
  EXPECT_NE(error.body.find("invalid n"), std::string::npos);
  EXPECT_FALSE(OptionalTextField(body, "long", 5, &out, &error));
  EXPECT_NE(error.body.find("at most 5 bytes"), std::string::npos);
  EXPECT_TRUE(OptionalTextField(body, "bad", 2, &out, &error));  // é is 2 bytes
  Json invalid;
  invalid["t"] = std::string("\xff");
  EXPECT_FALSE(OptionalTextField(invalid, "t", 10, &out, &error));
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/http/api_params.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

HttpRequest WithQuery(const std::string& query) {
  HttpRequest r;
  r.method = "GET";
  r.query = query;
  return r;
}

TEST(ApiParamsTest, PositiveIdsOnly) {
  EXPECT_EQ(ParsePositiveId("42"), 42);
  EXPECT_EQ(ParsePositiveId("007"), 7);
  EXPECT_EQ(ParsePositiveId("999999999999999999"), 999999999999999999LL);
  for (const char* bad :
       {"", "0", "-1", "+1", " 1", "1 ", "1e3", "0x10", "9999999999999999999", "1;DROP TABLE x"}) {
    EXPECT_FALSE(ParsePositiveId(bad)) << bad;
  }
}

TEST(ApiParamsTest, LimitIsBoundedAndNamedWhenWrong) {
  HttpResponse error;
  EXPECT_EQ(LimitParam(WithQuery(""), 20, 500, &error), 20u);
  EXPECT_EQ(LimitParam(WithQuery("limit=500"), 20, 500, &error), 500u);
  EXPECT_EQ(error.status, 200);
  EXPECT_EQ(LimitParam(WithQuery("limit=501"), 20, 500, &error), 20u);
  EXPECT_EQ(error.status, 400);
  EXPECT_NE(error.body.find("invalid parameter limit"), std::string::npos);
}

TEST(ApiParamsTest, LogFiltersAreDecodedAndChecked) {
  HttpResponse error;
  const auto f = LogFilterParams(
      WithQuery("stage=sp%C3%BCl&type=error&q=%27%3B+DROP+TABLE+x%3B--&before_id=9&limit=5"), 3,
      &error);
  ASSERT_TRUE(f) << error.body;
  EXPECT_EQ(f->batch_id, 3);
  EXPECT_EQ(*f->stage, "sp\xC3\xBCl");
  EXPECT_EQ(f->event_types, std::vector<std::string>{"error"});
  EXPECT_EQ(*f->search, "'; DROP TABLE x;--");  // bound as a parameter by the caller
  EXPECT_EQ(*f->before_id, 9);
  EXPECT_EQ(f->limit, 5u);

  EXPECT_FALSE(LogFilterParams(WithQuery("type=<script>"), 3, &error));
  EXPECT_NE(error.body.find("invalid parameter type"), std::string::npos);
  EXPECT_FALSE(LogFilterParams(WithQuery("q=" + std::string(201, 'a')), 3, &error));
  EXPECT_NE(error.body.find("invalid parameter q"), std::string::npos);
  EXPECT_FALSE(LogFilterParams(WithQuery("before_id=-1"), 3, &error));
  EXPECT_NE(error.body.find("invalid parameter before_id"), std::string::npos);
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/http/current_batch_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"

namespace pipeline_exporter {
namespace {

TEST(CurrentBatchHandlerTest, TheFoldsCurrentBatchWithIntegerCounts) {
  ApiFixture f;
  CurrentBatchHandler h(f.registry());
  EXPECT_TRUE(
      ApiFixture::Json(h.Get(ApiFixture::Request("GET", "/api/current-batch")))["batch"].is_null());
  f.Add(Ev(0, 4, "stt", "stage_start").Total(8));
  f.Add(Ev(0, 4, "stt", "file_complete").File("a"));
  f.Fold();
  const auto j = ApiFixture::Json(h.Get(ApiFixture::Request("GET", "/api/current-batch")));
  EXPECT_EQ(j["batch"]["id"], 4);
  EXPECT_EQ(j["batch"]["files"], 8);
  EXPECT_EQ(j["stages"][1]["processed"].dump(), "1");
  EXPECT_EQ(j["stages"][1]["total"].dump(), "8");
  EXPECT_TRUE(j["stages"][0]["total"].is_null());            // unknown is null
  EXPECT_TRUE(j["stages"][0]["durationSeconds"].is_null());  // pending
  EXPECT_EQ(h.Get(ApiFixture::Request("GET", "/api/current-batch", "pipeline=q")).status, 404);
}

}  // namespace
}  // namespace pipeline_exporter

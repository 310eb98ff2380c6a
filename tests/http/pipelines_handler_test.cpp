#include "exporter/http/pipelines_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"

namespace pipeline_exporter {
namespace {

TEST(PipelinesHandlerTest, PipelinesStagesAndFeatures) {
  ApiFixture f;
  f.Add(Ev(0, 1, "extra", "stage_start"));
  f.Fold();
  PipelinesHandler h(f.registry(), PipelinesInfo{"", true, false, true});
  const auto j = ApiFixture::Json(h.Get(ApiFixture::Request("GET", "/api/pipelines")));
  ASSERT_EQ(j["pipelines"].size(), 1u);
  EXPECT_EQ(j["pipelines"][0]["name"], "p");
  ASSERT_EQ(j["pipelines"][0]["stages"].size(), 3u);
  EXPECT_EQ(j["pipelines"][0]["stages"][1]["title"], "Speech to text");
  EXPECT_EQ(j["pipelines"][0]["stages"][2]["id"], "extra");
  EXPECT_TRUE(j["grafanaUrl"].is_null());
  EXPECT_EQ(j["ingest"], true);
  EXPECT_EQ(j["control"], false);
  EXPECT_EQ(j["alerts"], true);
  ASSERT_EQ(j["eventTypes"].size(), kEventTypeCount);  // the core's list, for the page
  EXPECT_EQ(j["eventTypes"][0], "batch_start");
  EXPECT_EQ(j["eventTypes"][9], "error");
}

}  // namespace
}  // namespace pipeline_exporter

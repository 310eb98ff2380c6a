#include "exporter/http/workers_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"

namespace pipeline_exporter {
namespace {

TEST(WorkersHandlerTest, EveryWorkerOfEveryStageFromTheFold) {
  ApiFixture f;
  const std::int64_t t = f.clock().Now();
  f.Add(Ev(1, 1, "", "batch_start", t - 10'000));
  f.Add(Ev(2, 1, "stt", "stage_start", t - 10'000));
  f.Add(Ev(3, 1, "stt", "file_complete", t - 9000).File("a").Gpu("10.0.0.1").Duration(1500));
  f.Add(Ev(4, 1, "stt", "error", t - 8000).File("b").Gpu("10.0.0.2"));
  f.Add(Ev(5, 1, "denoise", "file_complete", t - 8000).File("a").Gpu("10.0.0.1"));
  f.Fold();
  WorkersHandler h(f.registry());
  const auto r = h.Get(ApiFixture::Request("GET", "/api/workers", "pipeline=p"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = ApiFixture::Json(r);
  EXPECT_EQ(j["pipeline"], "p");
  EXPECT_EQ(j["silentAfterSeconds"], 120);
  ASSERT_EQ(j["workers"].size(), 3u);
  const auto& a = j["workers"][0];  // catalog order: denoise first
  EXPECT_EQ(a["stage"], "denoise");
  EXPECT_EQ(a["worker"], "10.0.0.1");
  const auto& b = j["workers"][1];
  EXPECT_EQ(b["stage"], "stt");
  EXPECT_EQ(b["batch"]["filesCompleted"], 1);
  EXPECT_EQ(b["batch"]["failureRatio"], 0.0);
  EXPECT_EQ(b["batch"]["medianDurationSeconds"], 1.5);
  EXPECT_EQ(b["sinceStart"]["filesCompleted"], 1);
  EXPECT_FALSE(b["batch"]["lastSeen"].is_null());
  EXPECT_EQ(b["silent"], false);
  const auto& c = j["workers"][2];
  EXPECT_EQ(c["worker"], "10.0.0.2");
  EXPECT_EQ(c["batch"]["filesFailed"], 1);
  EXPECT_EQ(c["batch"]["failureRatio"], 1.0);
  EXPECT_TRUE(c["batch"]["medianDurationSeconds"].is_null());
}

TEST(WorkersHandlerTest, AnUnknownPipelineIs404) {
  ApiFixture f;
  WorkersHandler h(f.registry());
  EXPECT_EQ(h.Get(ApiFixture::Request("GET", "/api/workers", "pipeline=nope")).status, 404);
}

}  // namespace
}  // namespace pipeline_exporter

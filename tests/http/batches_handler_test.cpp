#include "exporter/http/batches_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

TEST(BatchesHandlerTest, NewestRunFirstFromTheFoldThenFromTheRows) {
  ApiFixture f(2);
  for (int id : {5, 3, 9, 1}) {  // started in this order
    f.Add(Ev(0, id, "", "batch_start"));
    f.Add(Ev(0, id, "stt", "file_complete").File("a"));
  }
  f.Add(Ev(0, 3, "stt", "file_complete").File("b"));  // 3 is still running
  f.Fold();
  BatchesHandler h(f.registry());
  std::vector<int> ids;
  std::string query = "limit=3";
  for (;;) {
    const json j = ApiFixture::Json(h.Get(ApiFixture::Request("GET", "/api/batches", query)));
    for (const auto& b : j["batches"]) ids.push_back(b["id"]);
    if (j["nextBefore"].is_null()) break;
    query = "limit=3&before=" + j["nextBefore"].dump();
  }
  EXPECT_EQ(ids, (std::vector<int>{1, 9, 3, 5}));
  const json all = ApiFixture::Json(h.Get(ApiFixture::Request("GET", "/api/batches")));
  EXPECT_EQ(all["batches"][2]["id"], 3);
  EXPECT_EQ(all["batches"][2]["filesProcessed"], 2);  // from its rows: the fold forgot it
  EXPECT_EQ(all["batches"][2]["status"], "running");
  EXPECT_EQ(h.Get(ApiFixture::Request("GET", "/api/batches", "limit=0")).status, 400);
  EXPECT_EQ(h.Get(ApiFixture::Request("GET", "/api/batches", "before=x")).status, 400);
}

TEST(BatchesHandlerTest, EndedBatchesFoldedFromRowsAreCached) {
  ApiFixture f(1);
  for (int id : {1, 2, 3}) {
    f.Add(Ev(0, id, "", "batch_start"));
    f.Add(Ev(0, id, "", "batch_complete"));
  }
  f.Fold();
  BatchesHandler h(f.registry());
  h.Get(ApiFixture::Request("GET", "/api/batches"));
  const int reads = f.log().run_reads();
  const json j = ApiFixture::Json(h.Get(ApiFixture::Request("GET", "/api/batches")));
  EXPECT_EQ(j["batches"].size(), 3u);
  EXPECT_EQ(f.log().run_reads(), reads);
}

TEST(BatchesHandlerTest, TheTypicalDurationIsTheMedianOfEarlierCompleteBatches) {
  ApiFixture f;
  BatchesHandler h(f.registry());
  auto typical = [&] {
    return ApiFixture::Json(
        h.Get(ApiFixture::Request("GET", "/api/batches")))["typicalDurationSeconds"];
  };
  EXPECT_TRUE(typical().is_null());
  const std::int64_t t0 = 1'700'000'000'000;
  const std::int64_t seconds[] = {60, 100, 80, 10};
  for (int id = 1; id <= 4; ++id) {
    f.Add(Ev(0, id, "", "batch_start").At(t0 + id * 1'000'000));
    f.Add(Ev(0, id, "", id == 4 ? "batch_failed" : "batch_complete")
              .At(t0 + id * 1'000'000 + seconds[id - 1] * 1000));
  }
  f.Add(Ev(0, 5, "", "batch_start").At(t0 + 9'000'000));  // the current batch: not counted
  f.Fold();
  EXPECT_EQ(typical(), 80.0);  // 60, 100, 80 complete; the failed one is not typical
}

}  // namespace
}  // namespace pipeline_exporter

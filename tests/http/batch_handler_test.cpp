#include "exporter/http/batch_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"
#include "tests/fakes/fake_http_stream.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

class BatchHandlerTest : public ::testing::Test {
 protected:
  void Batch(std::int64_t id) {
    f_.Add(Ev(0, id, "", "batch_start").Total(3));
    f_.Add(Ev(0, id, "stt", "stage_start").Total(3));
    f_.Add(Ev(0, id, "stt", "file_complete").File("a"));
    StageEvent err = Ev(0, id, "stt", "error").File("b");
    err.error_message = "timeout after 1200 ms";
    f_.Add(err);
    err.error_message = "timeout after 900 ms";
    err.file_name = "c";
    f_.Add(err);
  }
  FakeHttpStream Get(const std::string& path, const std::string& query = "") {
    FakeHttpStream out;
    handler_.Get(ApiFixture::Request("GET", path, query), out);
    return out;
  }
  ApiFixture f_{1};  // holds one batch: older ones are folded from their rows
  BatchHandler handler_{f_.registry(), BatchHandlerOptions{2, 2, 1000, 3}};
};

TEST_F(BatchHandlerTest, StatsComeFromTheFoldOrFromTheRowsAlike) {
  Batch(1);
  Batch(2);
  f_.Fold();
  ASSERT_FALSE(f_.store().Holds(1));
  ASSERT_TRUE(f_.store().Holds(2));
  for (int id : {1, 2}) {
    const auto out = Get("/api/batch/" + std::to_string(id) + "/stats");
    ASSERT_EQ(out.status(), 200) << out.body;
    const json j = json::parse(out.body);
    EXPECT_EQ(j["batch"]["id"], id);
    EXPECT_EQ(j["stages"][1]["processed"].dump(), "1");
    EXPECT_EQ(j["stages"][1]["failed"], 2);
    EXPECT_EQ(j["stages"][1]["total"], 3);
  }
  EXPECT_EQ(Get("/api/batch/9/stats").status(), 404);
  EXPECT_EQ(Get("/api/batch/0/stats").status(), 400);
  EXPECT_EQ(Get("/api/batch/1/nope").status(), 404);
}

TEST_F(BatchHandlerTest, ErrorsAreGroupedByTheCoreForTheLatestRun) {
  Batch(1);
  f_.Add(Ev(0, 1, "", "batch_complete"));
  Batch(1);  // a new run of batch 1: its errors only
  StageEvent other = Ev(0, 1, "llm", "stage_failed");
  other.error_message = "model 7 unavailable";
  f_.Add(other);
  const auto out = Get("/api/batch/1/errors");
  ASSERT_EQ(out.status(), 200);
  const json j = json::parse(out.body);
  ASSERT_EQ(j["groups"].size(), 2u);
  EXPECT_EQ(j["groups"][0]["message"], "timeout after N ms");
  EXPECT_EQ(j["groups"][0]["count"], 2);  // not 4: the first run is over
  EXPECT_EQ(j["groups"][1]["message"], "model N unavailable");
  EXPECT_EQ(j["truncated"], false);
  EXPECT_EQ(Get("/api/batch/5/errors").status(), 404);
}

TEST_F(BatchHandlerTest, ErrorsOfABatchHeldComeFromTheFoldWithoutReadingARow) {
  Batch(1);
  f_.Add(Ev(0, 1, "", "batch_complete"));
  Batch(1);
  const std::string from_rows = Get("/api/batch/1/errors").body;  // not folded yet
  f_.Fold();
  ASSERT_TRUE(f_.store().Holds(1));
  f_.log().SetDown(true);  // any row read would fail
  const auto out = Get("/api/batch/1/errors");
  ASSERT_EQ(out.status(), 200) << out.body;
  EXPECT_EQ(out.body, from_rows);
  EXPECT_EQ(json::parse(out.body)["groups"][0]["count"], 2);
}

TEST_F(BatchHandlerTest, AFilteredSearchLooksAtABoundedNumberOfRowsAndSaysWhereToGoOn) {
  Batch(1);  // rows 1..5: errors "b" (4) and "c" (5)
  for (int i = 0; i < 4; ++i)
    f_.Add(Ev(0, 1, "stt", "file_complete").File("x" + std::to_string(i)));
  // Rows 6..9 match nothing; the search looks at three rows at a time.
  auto j = json::parse(Get("/api/batch/1/logs", "q=timeout").body);
  EXPECT_EQ(j["events"].size(), 0u);
  EXPECT_EQ(j["scannedFromId"], 7);
  EXPECT_EQ(j["nextBeforeId"], 7);
  j = json::parse(Get("/api/batch/1/logs", "q=timeout&before_id=7").body);
  ASSERT_EQ(j["events"].size(), 2u);  // 6, 5, 4 looked at: 5 and 4 match
  EXPECT_EQ(j["events"][0]["fileName"], "c");
  EXPECT_EQ(j["events"][1]["fileName"], "b");
  EXPECT_EQ(j["nextBeforeId"], 4);
  j = json::parse(Get("/api/batch/1/logs", "q=timeout&before_id=4").body);
  EXPECT_TRUE(j["events"].empty());
  EXPECT_EQ(j["scannedFromId"], 1);
  j = json::parse(Get("/api/batch/1/logs", "q=timeout&before_id=1").body);
  EXPECT_TRUE(j["events"].empty());
  EXPECT_TRUE(j["nextBeforeId"].is_null());  // the batch's first row was reached
  // Without a type or text filter the index answers: no bound.
  j = json::parse(Get("/api/batch/1/logs", "limit=9").body);
  EXPECT_EQ(j["events"].size(), 9u);
  EXPECT_TRUE(j["scannedFromId"].is_null());
}

TEST_F(BatchHandlerTest, ExportStreamsPagesWithTheStatsLast) {
  Batch(1);
  StageEvent big = Ev(0, 1, "stt", "file_complete").File("d");
  big.request_payload = WholeText("{\"k\":1}");
  f_.Add(big);
  const auto out = Get("/api/batch/1/export");
  ASSERT_EQ(out.status(), 200);
  EXPECT_TRUE(out.chunked);
  EXPECT_GE(out.writes, 3);  // two rows a page: written as it goes
  const json j = json::parse(out.body);
  EXPECT_EQ(j["batchId"], 1);
  ASSERT_EQ(j["events"].size(), 6u);
  EXPECT_EQ(j["events"][5]["requestPayload"]["text"], "{\"k\":1}");
  EXPECT_EQ(j["stats"]["stages"][1]["processed"], 2);
  EXPECT_EQ(Get("/api/batch/2/export").status(), 404);
}

TEST_F(BatchHandlerTest, LogsAreFilteredAndPaged) {
  Batch(1);
  auto out = Get("/api/batch/1/logs", "type=error&limit=1");
  ASSERT_EQ(out.status(), 200);
  json j = json::parse(out.body);
  ASSERT_EQ(j["events"].size(), 1u);
  EXPECT_EQ(j["events"][0]["fileName"], "c");
  out = Get("/api/batch/1/logs", "type=error&limit=1&before_id=" + j["nextBeforeId"].dump());
  j = json::parse(out.body);
  EXPECT_EQ(j["events"][0]["fileName"], "b");
  EXPECT_EQ(Get("/api/batch/1/logs", "type=nope").status(), 400);
}

}  // namespace
}  // namespace pipeline_exporter

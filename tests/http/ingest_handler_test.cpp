#include "exporter/http/ingest_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"

namespace pipeline_exporter {
namespace {

HttpRequest Post(const std::string& body, const std::string& token = "t0ken") {
  HttpRequest r = ApiFixture::Request("POST", "/api/events", "", body);
  if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
  return r;
}

TEST(IngestHandlerTest, StoresValidEventsAllOrNothingAndNudgesTheTail) {
  ApiFixture f(500, /*ingest=*/true);
  IngestHandler h(f.registry(), f.clock(), IngestOptions{true, "t0ken", 3});
  auto r =
      h.Post(Post(R"([{"batchId":1,"eventType":"batch_start","requestPayload":{"batchDate":"d"}},
                          {"batchId":1,"stage":"stt","eventType":"file_complete","fileName":"a"}])"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(ApiFixture::Json(r)["ids"], nlohmann::json::array({1, 2}));
  EXPECT_EQ(f.nudges(), 1);
  EXPECT_EQ(f.log().FindEvent(1)->request_payload->text, R"({"batchDate":"d"})");
  // One bad item: nothing is stored, and each problem is named with its index.
  r = h.Post(Post(R"([{"batchId":1,"stage":"stt","eventType":"file_complete","fileName":"b"},
                      {"batchId":1,"eventType":"file_complete"},
                      {"batchId":"x","eventType":"info"},
                      {"batchId":1,"eventType":"info","colour":"red"}])"));
  EXPECT_EQ(r.status, 413);  // more than max_items
  r = h.Post(Post(R"([{"batchId":1,"stage":"stt","eventType":"file_complete","fileName":"b"},
                      {"batchId":1,"eventType":"file_complete"},
                      {"batchId":1,"eventType":"info","colour":"red"}])"));
  ASSERT_EQ(r.status, 400);
  const auto detail = ApiFixture::Json(r)["detail"];
  ASSERT_EQ(detail.size(), 2u);
  EXPECT_EQ(detail[0]["index"], 1);
  EXPECT_EQ(detail[0]["error"], "missing_stage");
  EXPECT_EQ(detail[1]["error"], "unknown field(s): colour");
  EXPECT_EQ(f.log().ReadAfter(0, 100).size(), 2u);
  EXPECT_EQ(h.Post(Post("{nope")).status, 400);
}

TEST(IngestHandlerTest, TakesWorkersAndSubStages) {
  ApiFixture f(500, /*ingest=*/true);
  IngestHandler h(f.registry(), f.clock(), IngestOptions{true, "t0ken", 10});
  auto r =
      h.Post(Post(R"([{"batchId":1,"stage":"stt","eventType":"substage_start","subStage":"align"},
                          {"batchId":1,"stage":"stt","eventType":"file_complete","fileName":"a",
                           "gpuIp":"10.0.0.7"}])"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(f.log().FindEvent(1)->sub_stage, "align");
  EXPECT_EQ(f.log().FindEvent(2)->gpu_ip, "10.0.0.7");
  // A sub-stage event without its subStage is refused like any invalid row.
  r = h.Post(Post(R"([{"batchId":1,"stage":"stt","eventType":"substage_complete"}])"));
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(ApiFixture::Json(r)["detail"][0]["error"], "missing_substage");
}

TEST(IngestHandlerTest, NeedsTheBearerToken) {
  ApiFixture f(500, true);
  IngestHandler h(f.registry(), f.clock(), IngestOptions{true, "t0ken", 10});
  const std::string one = R"({"batchId":1,"eventType":"info"})";
  EXPECT_EQ(h.Post(Post(one, "")).status, 401);
  EXPECT_EQ(h.Post(Post(one, "t0ke")).status, 401);
  EXPECT_EQ(h.Post(Post(one, "t0ken!")).status, 401);
  EXPECT_EQ(h.Post(Post(one)).status, 202);
  // An empty configured token never matches (the config refuses it at start-up anyway).
  IngestHandler empty(f.registry(), f.clock(), IngestOptions{true, "", 10});
  HttpRequest r = Post(one, "");
  r.headers["authorization"] = "Bearer ";
  EXPECT_EQ(empty.Post(r).status, 401);
}

TEST(IngestHandlerTest, DisabledOrFailingDatabaseAnswersWithoutInternals) {
  ApiFixture off;
  IngestHandler disabled(off.registry(), off.clock(), IngestOptions{});
  EXPECT_EQ(disabled.Post(Post(R"({"batchId":1,"eventType":"info"})")).status, 403);
  ApiFixture f(500, true);
  IngestHandler h(f.registry(), f.clock(), IngestOptions{true, "t0ken", 10});
  f.log().SetDown(true);
  const auto r = h.Post(Post(R"({"batchId":1,"eventType":"info"})"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.find("refused"), std::string::npos)
      << r.body;  // the database's words stay in the log
}

}  // namespace
}  // namespace pipeline_exporter

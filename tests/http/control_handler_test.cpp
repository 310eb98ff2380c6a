#include "exporter/http/control_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"
#include "tests/fakes/fake_audit_recorder.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

class ControlHandlerTest : public ::testing::Test {
 protected:
  ControlHandlerTest() {
    f_.Add(Ev(0, 7, "", "batch_start"));
    f_.Add(Ev(0, 7, "stt", "stage_start"));
    f_.Fold();
  }
  HttpRequest Request(const std::string& body, const std::string& user = "alice",
                      const std::string& path = "/api/batch/7/control") {
    HttpRequest r = ApiFixture::Request("POST", path, "", body);
    r.user = user;
    r.remote_addr = "192.0.2.7";
    return r;
  }
  ApiFixture f_{500, false, true};
  FakeAuditRecorder audit_;
  ControlHandler handler_{f_.registry(), ControlOptions{true, "s3cret", "nightly-cron", &audit_}};
};

TEST_F(ControlHandlerTest, AUserAsksAndTheRowSaysWhoAndWhy) {
  const auto r = handler_.Post(Request(R"({"action": "pause", "reason": "GPU 3 overheating"})"));
  ASSERT_EQ(r.status, 202) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["action"], "pause");
  EXPECT_EQ(j["batchId"], 7);
  EXPECT_EQ(j["requestedBy"], "alice");
  EXPECT_EQ(j["requestedFrom"], "192.0.2.7");
  EXPECT_EQ(j["reason"], "GPU 3 overheating");
  EXPECT_EQ(j["id"], 1);
  EXPECT_EQ(f_.log().control_rows(), 1u);
  EXPECT_EQ(f_.nudges(), 1);  // the tail reads it at once
  // The audit trail: who, from where, what, to which batch, and the row it wrote.
  const auto records = audit_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].pipeline, f_.store().name());
  EXPECT_EQ(records[0].action, "pause");
  EXPECT_EQ(records[0].actor, "alice");
  EXPECT_EQ(records[0].from, "192.0.2.7");
  EXPECT_EQ(records[0].target, "7");
  EXPECT_EQ(records[0].detail, "GPU 3 overheating");
  EXPECT_EQ(records[0].result, "control row 1");
}

TEST_F(ControlHandlerTest, ARefusedActionLeavesNoAuditRecord) {
  EXPECT_EQ(handler_.Post(Request(R"({"action": "resume"})")).status, 409);
  EXPECT_EQ(handler_.Post(Request(R"({"action": "explode"})")).status, 400);
  EXPECT_EQ(handler_.Post(Request(R"({"action": "pause"})", "")).status, 401);
  EXPECT_TRUE(audit_.records().empty());
}

TEST_F(ControlHandlerTest, TheTokenServesWhenNoUserSignedIn) {
  HttpRequest r = Request(R"({"action": "cancel"})", "");
  EXPECT_EQ(handler_.Post(r).status, 401);
  r.headers["authorization"] = "Bearer wrong!";
  EXPECT_EQ(handler_.Post(r).status, 401);
  r.headers["authorization"] = "Bearer s3cret";
  const auto ok = handler_.Post(r);
  ASSERT_EQ(ok.status, 202) << ok.body;
  // Recorded under the token's configured name, never the secret.
  EXPECT_EQ(json::parse(ok.body)["requestedBy"], "nightly-cron");
  ASSERT_EQ(audit_.records().size(), 1u);
  EXPECT_EQ(audit_.records()[0].actor, "nightly-cron");
  EXPECT_EQ(ok.body.find("s3cret"), std::string::npos);
}

TEST_F(ControlHandlerTest, ActionsMustFitTheBatchStatus) {
  // Running: resume does not fit.
  auto r = handler_.Post(Request(R"({"action": "resume"})"));
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("cannot resume a batch that is running"), std::string::npos) << r.body;
  // Asked to pause (pausing): pausing again does not fit; cancel does.
  ASSERT_EQ(handler_.Post(Request(R"({"action": "pause"})")).status, 202);
  f_.store().ApplyControl(f_.log().ReadControlAfter(0, 10));
  EXPECT_EQ(f_.store().StatusOf(7), BatchStatus::kPausing);
  EXPECT_EQ(handler_.Post(Request(R"({"action": "pause"})")).status, 409);
  // Ended: nothing fits.
  f_.Add(Ev(0, 7, "", "batch_complete"));
  f_.Fold();
  EXPECT_EQ(handler_.Post(Request(R"({"action": "cancel"})")).status, 409);
  EXPECT_EQ(
      handler_.Post(Request(R"({"action": "pause"})", "alice", "/api/batch/99/control")).status,
      404);
}

TEST_F(ControlHandlerTest, BadRequestsAndControlOff) {
  for (const char* body : {"", "[]", "{}", R"({"action": "stop"})", R"({"action": 1})",
                           R"({"action": "pause", "reason": 5})"}) {
    EXPECT_EQ(handler_.Post(Request(body)).status, 400) << body;
  }
  EXPECT_EQ(
      handler_.Post(Request(R"({"action": "pause", "reason": ")" + std::string(2000, 'x') + "\"}"))
          .status,
      400);
  EXPECT_EQ(handler_.Post(Request("{}", "alice", "/api/batch/x/control")).status, 400);
  EXPECT_EQ(handler_.Post(Request("{}", "alice", "/api/batch/7/stats")).status, 404);
  ControlHandler off(f_.registry(), ControlOptions{false, "s3cret"});
  EXPECT_EQ(off.Post(Request(R"({"action": "pause"})")).status, 403);
  EXPECT_EQ(f_.log().control_rows(), 0u);
}

}  // namespace
}  // namespace pipeline_exporter

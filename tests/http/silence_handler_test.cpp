#include "exporter/http/silence_handler.h"

#include <gtest/gtest.h>

#include "exporter/util/iso_time.h"
#include "tests/fakes/api_fixture.h"
#include "tests/fakes/fake_alertmanager.h"
#include "tests/fakes/fake_audit_recorder.h"

namespace pipeline_exporter {
namespace {

class SilenceHandlerTest : public ::testing::Test {
 protected:
  SilenceHandlerTest() {
    am_.Add("p", MakeAlert("f1", "PipelineStalled", "p", "critical"));
    am_.Add("other", MakeAlert("f9", "PipelineStalled", "other"));
  }
  SilenceBackend Backend() {
    return SilenceBackend{&am_, &am_, [this](const std::string& p) { created_.push_back(p); },
                          &audit_};
  }
  HttpResponse Post(const std::string& body, const std::string& user = "alice",
                    const std::string& query = "pipeline=p") {
    SilenceHandler handler(api_.registry(), Backend(), api_.clock());
    HttpRequest r = ApiFixture::Request("POST", "/api/alerts/silence", query, body);
    r.user = user;
    r.remote_addr = "192.0.2.8";
    return handler.Post(r);
  }
  ApiFixture api_;
  FakeAlertmanager am_;
  FakeAuditRecorder audit_;
  std::vector<std::string> created_;
};

TEST_F(SilenceHandlerTest, SilencesTheAlertByItsLabelsInTheUsersName) {
  const auto r = Post(R"({"fingerprint": "f1", "durationSeconds": 7200, "comment": "on it"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto silences = am_.silences();
  ASSERT_EQ(silences.size(), 1u);
  const SilenceRequest& s = silences[0];
  const std::map<std::string, std::string> labels = {
      {"alertname", "PipelineStalled"}, {"pipeline", "p"}, {"severity", "critical"}};
  EXPECT_EQ(s.matchers, labels);
  EXPECT_EQ(s.created_by, "alice");
  EXPECT_EQ(s.comment, "on it");
  EXPECT_EQ(s.starts_at_ms, api_.clock().Now());
  EXPECT_EQ(s.ends_at_ms, api_.clock().Now() + 7200 * 1000);
  const auto j = ApiFixture::Json(r);
  EXPECT_EQ(j["silenceId"], "silence-1");
  EXPECT_EQ(j["createdBy"], "alice");
  EXPECT_EQ(j["matchers"].size(), 3u);
  EXPECT_EQ(j["endsAt"], IsoTime(api_.clock().Now() + 7200 * 1000));
  EXPECT_EQ(created_, std::vector<std::string>{"p"});
  const auto records = audit_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].pipeline, "p");
  EXPECT_EQ(records[0].action, "silence");
  EXPECT_EQ(records[0].actor, "alice");
  EXPECT_EQ(records[0].from, "192.0.2.8");
  EXPECT_EQ(records[0].target, "f1");
  EXPECT_EQ(records[0].detail, "on it");
  EXPECT_EQ(records[0].result, "silence silence-1");
}

TEST_F(SilenceHandlerTest, AnEmptyCommentGetsTheDefault) {
  ASSERT_EQ(Post(R"({"fingerprint": "f1", "durationSeconds": 60, "comment": "  "})").status, 201);
  ASSERT_EQ(Post(R"({"fingerprint": "f1", "durationSeconds": 60})").status, 201);
  for (const auto& s : am_.silences()) EXPECT_EQ(s.comment, SilenceHandler::kDefaultComment);
}

TEST_F(SilenceHandlerTest, OnlyThePipelinesOwnAlerts) {
  const auto r = Post(R"({"fingerprint": "f9", "durationSeconds": 3600})");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(am_.silences().empty());
  EXPECT_TRUE(created_.empty());
}

TEST_F(SilenceHandlerTest, NeedsASignedInUser) {
  const auto r = Post(R"({"fingerprint": "f1", "durationSeconds": 3600})", "");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ApiFixture::Json(r)["error"], "silencing needs a signed-in user");
  EXPECT_TRUE(am_.silences().empty());
}

TEST_F(SilenceHandlerTest, RefusesBadBodies) {
  for (const std::string& body :
       std::vector<std::string>{"", "[]", "{}", R"({"fingerprint": "f1"})",
                                R"({"fingerprint": "zz", "durationSeconds": 3600})",
                                R"({"fingerprint": 12, "durationSeconds": 3600})",
                                R"({"fingerprint": "f1", "durationSeconds": 59})",
                                R"({"fingerprint": "f1", "durationSeconds": 2592001})",
                                R"({"fingerprint": "f1", "durationSeconds": 60.5})",
                                R"({"fingerprint": "f1", "durationSeconds": "1h"})",
                                R"({"fingerprint": "f1", "durationSeconds": 60, "comment": 5})",
                                R"({"fingerprint": "f1", "durationSeconds": 60, "comment": ")" +
                                    std::string(1025, 'x') + "\"}"}) {
    EXPECT_EQ(Post(body).status, 400) << body;
  }
  EXPECT_TRUE(am_.silences().empty());
  EXPECT_EQ(am_.reads, 0);
}

TEST_F(SilenceHandlerTest, AlertmanagerDownIs502) {
  am_.down = true;
  const auto r = Post(R"({"fingerprint": "f1", "durationSeconds": 3600})");
  EXPECT_EQ(r.status, 502);
  EXPECT_TRUE(created_.empty());
}

TEST_F(SilenceHandlerTest, OffWithoutAnAlertmanager) {
  SilenceHandler handler(api_.registry(), SilenceBackend{}, api_.clock());
  HttpRequest r = ApiFixture::Request("POST", "/api/alerts/silence", "pipeline=p",
                                      R"({"fingerprint": "f1", "durationSeconds": 3600})");
  r.user = "alice";
  EXPECT_EQ(handler.Post(r).status, 403);
}

}  // namespace
}  // namespace pipeline_exporter

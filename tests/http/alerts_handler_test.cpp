#include "exporter/http/alerts_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"
#include "tests/fakes/fake_alertmanager.h"

namespace pipeline_exporter {
namespace {

TEST(AlertsHandlerTest, ListsThePipelinesAlertsWithTheirSilence) {
  ApiFixture api;
  FakeAlertmanager am;
  am.Add("p", MakeAlert("f1", "PipelineStalled", "p", "critical"));
  Alert silenced = MakeAlert("f2", "PipelineErrorRateHigh", "p");
  silenced.state = "suppressed";
  silenced.labels["batch_id"] = "42";
  silenced.silence =
      AlertSilence{"s-1", "alice", "on it", "2026-12-02T03:10:00.000Z", "2026-12-02T05:10:00.000Z"};
  am.Add("p", silenced);
  Alert inhibited = MakeAlert("f3", "PipelineSlow", "p");
  inhibited.state = "suppressed";
  am.Add("p", inhibited);
  am.Add("other", MakeAlert("f9", "PipelineStalled", "other"));

  AlertsHandler handler(api.registry(), &am);
  const auto r = handler.Get(ApiFixture::Request("GET", "/api/alerts", "pipeline=p"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = ApiFixture::Json(r);
  EXPECT_EQ(j["pipeline"], "p");
  EXPECT_EQ(j["truncated"], false);
  ASSERT_EQ(j["alerts"].size(), 3u);
  const auto& a = j["alerts"][0];
  EXPECT_EQ(a["fingerprint"], "f1");
  EXPECT_EQ(a["name"], "PipelineStalled");
  EXPECT_EQ(a["severity"], "critical");
  EXPECT_EQ(a["summary"], "PipelineStalled on p");
  EXPECT_TRUE(a["description"].is_null());
  EXPECT_EQ(a["state"], "firing");
  EXPECT_EQ(a["startsAt"], "2026-12-02T03:00:00.000Z");
  EXPECT_TRUE(a["batchId"].is_null());
  EXPECT_TRUE(a["silence"].is_null());
  EXPECT_EQ(a["labels"]["pipeline"], "p");
  const auto& s = j["alerts"][1];
  EXPECT_EQ(s["state"], "silenced");
  EXPECT_EQ(s["batchId"], 42);
  EXPECT_EQ(s["silence"]["createdBy"], "alice");
  EXPECT_EQ(s["silence"]["comment"], "on it");
  EXPECT_EQ(s["silence"]["endsAt"], "2026-12-02T05:10:00.000Z");
  EXPECT_EQ(j["alerts"][2]["state"], "inhibited");
}

TEST(AlertsHandlerTest, OffWithoutAnAlertmanager) {
  ApiFixture api;
  AlertsHandler handler(api.registry(), nullptr);
  const auto r = handler.Get(ApiFixture::Request("GET", "/api/alerts", "pipeline=p"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ApiFixture::Json(r)["error"], "alerts are off");
}

TEST(AlertsHandlerTest, AnUnreachableAlertmanagerIs502AndNamesNothingInside) {
  ApiFixture api;
  FakeAlertmanager am;
  am.down = true;
  AlertsHandler handler(api.registry(), &am);
  const auto r = handler.Get(ApiFixture::Request("GET", "/api/alerts", "pipeline=p"));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(ApiFixture::Json(r)["error"], "Alertmanager is unreachable");
  EXPECT_EQ(r.body.find("refused"), std::string::npos);
}

TEST(AlertsHandlerTest, AnUnknownPipelineIs404) {
  ApiFixture api;
  FakeAlertmanager am;
  AlertsHandler handler(api.registry(), &am);
  EXPECT_EQ(handler.Get(ApiFixture::Request("GET", "/api/alerts", "pipeline=nope")).status, 404);
  EXPECT_EQ(am.reads, 0);
}

}  // namespace
}  // namespace pipeline_exporter

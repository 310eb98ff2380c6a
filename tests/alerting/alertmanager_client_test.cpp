#include "exporter/alerting/alertmanager_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pipeline_exporter {
namespace {

// What Alertmanager 0.25's GET /api/v2/alerts returns, trimmed to the fields read.
const char* kAlerts = R"([
  {"fingerprint": "aaa1", "startsAt": "2026-12-02T03:00:00.000Z",
   "labels": {"alertname": "PipelineStalled", "pipeline": "cofi", "severity": "critical"},
   "annotations": {"summary": "stalled"},
   "status": {"state": "suppressed", "silencedBy": ["s-1"], "inhibitedBy": []}},
  {"fingerprint": "bbb2", "startsAt": "2026-12-02T02:00:00.000Z",
   "labels": {"alertname": "PipelineErrorRateHigh", "pipeline": "cofi"},
   "annotations": {}, "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}},
  {"fingerprint": "ccc3", "startsAt": "2026-12-02T03:30:00.000Z",
   "labels": {"alertname": "PipelineBatchFailed", "pipeline": "cofi", "n": 5},
   "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}},
  {"startsAt": "no fingerprint: skipped"}, 7
])";

TEST(AlertmanagerClientTest, ParsesAlertsFiringFirstThenNewest) {
  AlertList list;
  ASSERT_TRUE(AlertmanagerClient::ParseAlerts(kAlerts, 100, &list)) << list.error;
  ASSERT_EQ(list.alerts.size(), 3u);
  EXPECT_EQ(list.alerts[0].fingerprint, "ccc3");  // firing, newest
  EXPECT_EQ(list.alerts[1].fingerprint, "bbb2");
  EXPECT_EQ(list.alerts[2].fingerprint, "aaa1");  // silenced last
  ASSERT_TRUE(list.alerts[2].silence);
  EXPECT_EQ(list.alerts[2].silence->id, "s-1");
  EXPECT_EQ(list.alerts[2].state, "suppressed");
  EXPECT_EQ(list.alerts[2].labels.at("severity"), "critical");
  EXPECT_EQ(list.alerts[2].annotations.at("summary"), "stalled");
  EXPECT_EQ(list.alerts[0].labels.count("n"), 0u);  // not a string: not a label
  EXPECT_FALSE(list.truncated);
}

TEST(AlertmanagerClientTest, KeepsAtMostMaxAlertsAndSaysSo) {
  AlertList list;
  ASSERT_TRUE(AlertmanagerClient::ParseAlerts(kAlerts, 2, &list));
  EXPECT_EQ(list.alerts.size(), 2u);
  EXPECT_TRUE(list.truncated);
}

TEST(AlertmanagerClientTest, RefusesWhatIsNotAListOfAlerts) {
  for (const char* bad : {"", "{}", "not json", "{\"alerts\": []}"}) {
    AlertList list;
    EXPECT_FALSE(AlertmanagerClient::ParseAlerts(bad, 100, &list)) << bad;
    EXPECT_FALSE(list.error.empty());
  }
}

TEST(AlertmanagerClientTest, ParsesSilences) {
  std::vector<AlertSilence> out;
  ASSERT_TRUE(AlertmanagerClient::ParseSilences(
      R"([{"id": "s-1", "createdBy": "alice", "comment": "on it", "startsAt": "a",
           "endsAt": "2026-12-02T05:00:00.000Z", "matchers": [], "status": {"state": "active"}},
          {"comment": "no id"}])",
      &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].created_by, "alice");
  EXPECT_EQ(out[0].comment, "on it");
  EXPECT_EQ(out[0].ends_at, "2026-12-02T05:00:00.000Z");
  EXPECT_FALSE(AlertmanagerClient::ParseSilences("{}", &out));
}

TEST(AlertmanagerClientTest, SilenceBodyMatchesEveryLabelByEquality) {
  SilenceRequest r;
  r.matchers = {{"alertname", "PipelineStalled"}, {"pipeline", "co\"fi"}};
  r.starts_at_ms = 1764647400000;
  r.ends_at_ms = 1764651000000;
  r.created_by = "alice";
  r.comment = "on it";
  const auto body = nlohmann::json::parse(AlertmanagerClient::SilenceBody(r));
  ASSERT_EQ(body["matchers"].size(), 2u);
  EXPECT_EQ(body["matchers"][1]["name"], "pipeline");
  EXPECT_EQ(body["matchers"][1]["value"], "co\"fi");
  EXPECT_EQ(body["matchers"][1]["isRegex"], false);
  EXPECT_EQ(body["matchers"][1]["isEqual"], true);
  EXPECT_EQ(body["startsAt"], "2025-12-02T03:50:00.000Z");
  EXPECT_EQ(body["endsAt"], "2025-12-02T04:50:00.000Z");
  EXPECT_EQ(body["createdBy"], "alice");
  EXPECT_EQ(body["comment"], "on it");
}

TEST(AlertmanagerClientTest, FilterEscapesTheValue) {
  EXPECT_EQ(AlertmanagerClient::EqualityMatcher("pipeline", "cofi"), "pipeline=\"cofi\"");
  EXPECT_EQ(AlertmanagerClient::EqualityMatcher("pipeline", "a\"b\\c"), "pipeline=\"a\\\"b\\\\c\"");
}

TEST(AlertmanagerClientTest, AnUnreachableAlertmanagerIsReportedNotThrown) {
  HttpClientOptions o;
  o.timeout_ms = 500;
  AlertmanagerClient client(HttpUrl{"127.0.0.1", 1, ""}, o);
  const AlertList list = client.ReadAlerts("cofi");
  EXPECT_FALSE(list.error.empty());
  EXPECT_TRUE(list.alerts.empty());
  SilenceRequest r;
  r.matchers = {{"alertname", "x"}};
  EXPECT_FALSE(client.CreateSilence(r).error.empty());
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/http/health_handler.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fakes/fake_clock.h"

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kHealthNow = 1'700'000'000'000;

PipelineSpec Spec(const std::string& name) {
  PipelineSpec s;
  s.name = name;
  return s;
}

HttpRequest Get(const std::string& path) {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  return r;
}

PollRecord Poll(bool ok) {
  PollRecord p;
  p.ok = ok;
  p.finished_ms = kHealthNow;
  p.duration_seconds = 0.002;
  return p;
}

class HealthHandlerTest : public ::testing::Test {
 protected:
  FakeClock clock_{kHealthNow};
  PipelineStore a_{Spec("a"), clock_};
  PipelineStore b_{Spec("b"), clock_};
  HealthHandler handler_{{&a_, &b_}};
};

TEST_F(HealthHandlerTest, ReadyOnceEveryPipelineHasBeenPolledEvenWhenItsDatabaseIsDown) {
  EXPECT_EQ(handler_.Healthy(Get("/-/healthy")).status, 200);
  HttpResponse r = handler_.Ready(Get("/-/ready"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "not ready: 2 of 2 pipelines have not been read yet\n");
  a_.RecordPoll(Poll(true));
  EXPECT_EQ(handler_.Ready(Get("/-/ready")).body,
            "not ready: 1 of 2 pipelines have not been read yet\n");
  b_.RecordPoll(Poll(false));  // its database is down: still ready, the page says so
  r = handler_.Ready(Get("/-/ready"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ready\n");
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
}

TEST_F(HealthHandlerTest, ApiHealthIsDegradedWhileOneDatabaseIsDownAnd503WhenAllAre) {
  a_.RecordPoll(Poll(true));
  b_.RecordPoll(Poll(false));
  HttpResponse r = handler_(Get("/api/health"));
  EXPECT_EQ(r.status, 200);
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["status"], "degraded");
  EXPECT_EQ(j["pipelines"][0]["db_up"], true);
  EXPECT_EQ(j["pipelines"][1]["db_up"], false);
  a_.RecordPoll(Poll(false));
  EXPECT_EQ(handler_(Get("/api/health")).status, 503);
}

}  // namespace
}  // namespace pipeline_exporter

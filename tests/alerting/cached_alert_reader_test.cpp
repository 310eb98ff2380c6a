#include "exporter/alerting/cached_alert_reader.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tests/fakes/fake_alertmanager.h"
#include "tests/fakes/fake_clock.h"

namespace pipeline_exporter {
namespace {

TEST(CachedAlertReaderTest, AsksAtMostOncePerTtlPerPipeline) {
  FakeAlertmanager am;
  am.Add("a", MakeAlert("f1", "PipelineStalled", "a"));
  FakeClock clock;
  CachedAlertReader cache(am, clock, 5000);
  EXPECT_EQ(cache.ReadAlerts("a").alerts.size(), 1u);
  EXPECT_EQ(cache.ReadAlerts("a").alerts.size(), 1u);
  EXPECT_EQ(am.reads, 1);
  cache.ReadAlerts("b");  // another pipeline is its own entry
  EXPECT_EQ(am.reads, 2);
  clock.Advance(4999);
  cache.ReadAlerts("a");
  EXPECT_EQ(am.reads, 2);
  clock.Advance(1);
  cache.ReadAlerts("a");
  EXPECT_EQ(am.reads, 3);
}

TEST(CachedAlertReaderTest, KeepsFailuresForTheTtlToo) {
  FakeAlertmanager am;
  am.down = true;
  FakeClock clock;
  CachedAlertReader cache(am, clock, 5000);
  EXPECT_FALSE(cache.ReadAlerts("a").error.empty());
  EXPECT_FALSE(cache.ReadAlerts("a").error.empty());
  EXPECT_EQ(am.reads, 1);
  am.down = false;
  clock.Advance(5000);
  EXPECT_TRUE(cache.ReadAlerts("a").error.empty());
}

TEST(CachedAlertReaderTest, InvalidateMakesTheNextReadGoThrough) {
  FakeAlertmanager am;
  FakeClock clock;
  CachedAlertReader cache(am, clock, 5000);
  EXPECT_TRUE(cache.ReadAlerts("a").alerts.empty());
  am.Add("a", MakeAlert("f1", "PipelineStalled", "a"));
  cache.Invalidate("a");
  EXPECT_EQ(cache.ReadAlerts("a").alerts.size(), 1u);
  EXPECT_EQ(am.reads, 2);
  cache.Invalidate("never-read");  // harmless
}

// Many pages at once: one read goes to Alertmanager, the others share it.
TEST(CachedAlertReaderTest, ConcurrentReadersShareOneRead) {
  FakeAlertmanager am;
  am.Add("a", MakeAlert("f1", "PipelineStalled", "a"));
  FakeClock clock;
  CachedAlertReader cache(am, clock, 5000);
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&cache] { EXPECT_EQ(cache.ReadAlerts("a").alerts.size(), 1u); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(am.reads, 1);
}

}  // namespace
}  // namespace pipeline_exporter

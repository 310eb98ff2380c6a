#include "exporter/core/fold/pipeline_store.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/fakes/event_builder.h"
#include "tests/fakes/fake_clock.h"

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kStoreNow = 1'700'000'000'000;

class RecordingListener final : public EventListener {
 public:
  void OnApplied(const std::string&, const std::vector<StageEvent>& events,
                 const PipelineSnapshot& after) override {
    std::vector<std::int64_t> ids;
    for (const StageEvent& e : events) ids.push_back(e.id);
    bursts.push_back(ids);
    last_event_id_in_state = after.tail.last_event_id;
  }
  std::vector<std::vector<std::int64_t>> bursts;
  std::int64_t last_event_id_in_state = -1;
};

class PipelineStoreTest : public ::testing::Test {
 protected:
  PipelineStoreTest() : store_(Spec(), clock_) { store_.SetListener(&listener_); }
  static PipelineSpec Spec() {
    PipelineSpec s;
    s.name = "p";
    return s;
  }
  FakeClock clock_{kStoreNow};
  PipelineStore store_;
  RecordingListener listener_;
};

TEST_F(PipelineStoreTest, TheListenerIsToldTheAppliedEventsInOrder) {
  const std::vector<StageEvent> events = {Ev(1, 1, "", "batch_start"),
                                          Ev(2, 1, "stt", "stage_start").Total(2),
                                          Ev(3, 1, "stt", "file_complete").File("a")};
  const ApplyReport report = store_.Apply(events);
  EXPECT_EQ(report.applied, 3u);
  EXPECT_TRUE(report.rejected.empty());
  ASSERT_EQ(listener_.bursts.size(), 1u);
  EXPECT_EQ(listener_.bursts[0], (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(PipelineStoreTest, RejectedEventsAreReportedAndNotToldToTheListener) {
  const std::vector<StageEvent> events = {
      Ev(1, 1, "", "batch_start"), Ev(2, 1, "stt", "no_such_type"),
      Ev(3, 1, "stt", "stage_start").Total(2), Ev(4, 1, "", "file_complete"),
      Ev(5, 1, "stt", "file_complete").File("a")};
  const ApplyReport report = store_.Apply(events);
  EXPECT_EQ(report.applied, 3u);
  ASSERT_EQ(report.rejected.size(), 2u);
  EXPECT_EQ(report.rejected[0].first, &events[1]);
  EXPECT_EQ(report.rejected[0].second, InvalidReason::kUnknownEventType);
  EXPECT_EQ(report.rejected[1].first, &events[3]);
  ASSERT_EQ(listener_.bursts.size(), 1u);
  EXPECT_EQ(listener_.bursts[0], (std::vector<std::int64_t>{1, 3, 5}));
}

TEST_F(PipelineStoreTest, HistoryAndAllRejectedBurstsAreNotToldToTheListener) {
  store_.Apply({Ev(1, 1, "", "batch_start")}, /*live=*/false);
  store_.Apply({Ev(2, 1, "stt", "no_such_type")});
  EXPECT_TRUE(listener_.bursts.empty());
}

TEST_F(PipelineStoreTest, PollsCountTheirWakeUpAndTheListenerItsState) {
  PollRecord poll;
  poll.ok = true;
  store_.RecordPoll(poll);
  poll.woke_by = WakeSource::kInotify;
  store_.RecordPoll(poll);
  poll.woke_by = WakeSource::kApi;
  poll.ok = false;  // a failed poll still counts what woke it
  store_.RecordPoll(poll);
  TailStats tail = store_.Snapshot().tail;
  EXPECT_EQ(tail.wakeups[static_cast<std::size_t>(WakeSource::kInotify)], 1u);
  EXPECT_EQ(tail.wakeups[static_cast<std::size_t>(WakeSource::kApi)], 1u);
  EXPECT_EQ(tail.wakeups[static_cast<std::size_t>(WakeSource::kPoll)], 0u);
  EXPECT_FALSE(tail.listener_up.has_value());  // no listener: no figure
  store_.RecordListener(ListenerEvent::kListening);
  store_.RecordListener(ListenerEvent::kLost);
  tail = store_.Snapshot().tail;
  EXPECT_EQ(tail.listener_up, false);
  EXPECT_EQ(tail.listener_losses, 1u);
  store_.Reset();  // a rebuilt state keeps the tail's own figures
  EXPECT_EQ(store_.Snapshot().tail.listener_losses, 1u);
}

}  // namespace
}  // namespace pipeline_exporter

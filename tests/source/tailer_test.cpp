#include "exporter/source/tailer.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/fakes/event_builder.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_event_log.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kTailerNow = 1'700'000'000'000;

class TailerTest : public ::testing::Test {
 protected:
  TailerTest() : store_(Spec(), clock_) {}
  static PipelineSpec Spec() {
    PipelineSpec s;
    s.name = "p";
    return s;
  }
  Tailer MakeTailer(TailerOptions o = {}) {
    return Tailer(store_, source_, source_, source_, clock_, o);
  }
  std::uint64_t Invalid(InvalidReason r) {
    return store_.Snapshot().invalid_events_total[static_cast<std::size_t>(r)];
  }
  double Processed(const std::string& stage) {
    for (const auto& s : store_.Snapshot().stages) {
      if (s.id == stage) return s.processed;
    }
    return -1;
  }

  FakeClock clock_{kTailerNow};
  FakeEventLog source_;
  PipelineStore store_;
};

TEST_F(TailerTest, ControlRequestsAreReadAfterTheEventsAndAMissingTableIsNoOutage) {
  source_.Append(Ev(0, 1, "", "batch_start", kTailerNow - 1000));
  ControlRequest pause;
  pause.batch_id = 1;
  pause.action = ControlAction::kPause;
  source_.db_now_ms = kTailerNow;
  source_.AppendControl(pause);
  Tailer tailer = MakeTailer();
  tailer.SetControlReader(&source_);
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(store_.StatusOf(1), BatchStatus::kPausing);
  source_.Append(Ev(0, 1, "", "batch_paused", kTailerNow + 1000));
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(store_.StatusOf(1), BatchStatus::kPaused);
  EXPECT_EQ(store_.Snapshot().control_requests_total[0], 1u);  // read once

  // Without the control table the events still flow, and the poll counts as fine.
  source_.SetNoControlTable(true);
  source_.Append(Ev(0, 1, "", "batch_resumed", kTailerNow + 2000));
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(store_.StatusOf(1), BatchStatus::kRunning);
  EXPECT_TRUE(store_.Snapshot().tail.db_up);
  // Tried again a minute later, then the request written meanwhile is read.
  source_.SetNoControlTable(false);
  source_.db_now_ms = kTailerNow + 3000;
  source_.AppendControl(pause);
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(store_.StatusOf(1), BatchStatus::kRunning);
  clock_.Advance(61'000);
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(store_.StatusOf(1), BatchStatus::kPausing);
}

TEST_F(TailerTest, ReadsEverythingInPagesAndRecordsThePoll) {
  for (int i = 0; i < 25; ++i)
    source_.Append(
        Ev(0, 1, "stt", "file_complete", kTailerNow - 1000).File("f" + std::to_string(i)));
  source_.db_now_ms = kTailerNow + 500;
  TailerOptions o;
  o.fetch_limit = 10;
  Tailer tailer = MakeTailer(o);
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(Processed("stt"), 25);
  const auto snap = store_.Snapshot();
  EXPECT_TRUE(snap.tail.db_up);
  EXPECT_EQ(snap.tail.last_event_id, 25);
  EXPECT_DOUBLE_EQ(*snap.tail.lag_seconds, 1.5);
  EXPECT_EQ(snap.tail.poll_duration.count, 1u);
  EXPECT_GE(source_.fetches(), 3);

  // Only new rows are applied on the next poll.
  source_.Append(Ev(0, 1, "stt", "file_complete", kTailerNow).File("late"));
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(Processed("stt"), 26);
  EXPECT_EQ(store_.Snapshot().stages[0].files_completed_total, 26u);
}

TEST_F(TailerTest, BadRowsAreSkippedCountedAndNeverStopTheTail) {
  source_.Append(Ev(0, 1, "stt", "stage_start", kTailerNow).Total(10));
  source_.Append(Ev(0, 1, "stt", "exploded", kTailerNow));              // unknown_event_type
  source_.Append(Ev(0, 1, "", "file_complete", kTailerNow).File("x"));  // missing_stage
  source_.Append(Ev(0, 1, "stt", "stage_progress", kTailerNow).Processed(-3));  // invalid_count
  source_.Append(Ev(0, 1, "st\xC3", "stage_start", kTailerNow));                // invalid_utf8
  source_.Append(Ev(0, 1, "stt", "file_complete", 0).File("y"));                // invalid_timestamp
  source_.Append(Ev(0, 1, "stt", "file_complete", kTailerNow).File("a"));
  source_.Append(Ev(0, 1, "stt", "file_complete", kTailerNow).File("b"));
  Tailer tailer = MakeTailer();
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(Processed("stt"), 2);
  EXPECT_EQ(Invalid(InvalidReason::kUnknownEventType), 1u);
  EXPECT_EQ(Invalid(InvalidReason::kMissingStage), 1u);
  EXPECT_EQ(Invalid(InvalidReason::kInvalidCount), 1u);
  EXPECT_EQ(Invalid(InvalidReason::kInvalidUtf8), 1u);
  EXPECT_EQ(Invalid(InvalidReason::kInvalidTimestamp), 1u);
  EXPECT_EQ(store_.Snapshot().tail.last_event_id, 8);
}

TEST_F(TailerTest, AnOutageIsReportedAndNothingIsLostOrDoubled) {
  source_.Append(Ev(0, 1, "stt", "file_complete", kTailerNow).File("a"));
  Tailer tailer = MakeTailer();
  EXPECT_TRUE(tailer.PollOnce());
  source_.SetDown(true);
  source_.Append(Ev(0, 1, "stt", "file_complete", kTailerNow).File("b"));
  EXPECT_FALSE(tailer.PollOnce());
  EXPECT_FALSE(tailer.PollOnce());
  auto snap = store_.Snapshot();
  EXPECT_FALSE(snap.tail.db_up);
  EXPECT_EQ(snap.tail.poll_errors, 2u);
  EXPECT_EQ(snap.stages[0].processed, 1);
  source_.SetDown(false);
  source_.Append(Ev(0, 1, "stt", "file_complete", kTailerNow).File("c"));
  EXPECT_TRUE(tailer.PollOnce());
  snap = store_.Snapshot();
  EXPECT_TRUE(snap.tail.db_up);
  EXPECT_EQ(snap.stages[0].processed, 3);
  EXPECT_EQ(snap.stages[0].files_completed_total, 3u);
}

TEST_F(TailerTest, DatabaseDownAtStartIsRetriedThenReplayed) {
  source_.Append(Ev(0, 1, "stt", "file_complete", kTailerNow).File("a"));
  source_.SetDown(true);
  Tailer tailer = MakeTailer();
  EXPECT_FALSE(tailer.PollOnce());
  source_.SetDown(false);
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(Processed("stt"), 1);
}

TEST_F(TailerTest, ABatchMetLiveIsFirstReadFromTheStartOfItsLatestRun) {
  const std::int64_t day = 24LL * 3600 * 1000;
  // Batch 5 ran once, ended, and began again — all before the one-hour window.
  source_.Append(Ev(0, 5, "", "batch_start", kTailerNow - 3 * day).Total(2));
  source_.Append(Ev(0, 5, "stt", "stage_start", kTailerNow - 3 * day).Total(2));
  source_.Append(Ev(0, 5, "", "batch_complete", kTailerNow - 3 * day));
  source_.Append(Ev(0, 5, "", "batch_start", kTailerNow - 2 * day).Total(9));
  source_.Append(Ev(0, 5, "stt", "stage_start", kTailerNow - 2 * day).Total(9));
  source_.Append(Ev(0, 5, "stt", "file_complete", kTailerNow - 2 * day).File("a"));
  TailerOptions o;
  o.replay_ms = 3600 * 1000;
  Tailer tailer = MakeTailer(o);
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_FALSE(store_.Snapshot().current_batch);  // nothing inside the window
  // The tail meets a row of batch 5 live: the rest of the run is read first, quietly.
  source_.Append(Ev(0, 5, "stt", "file_complete", kTailerNow).File("b"));
  EXPECT_TRUE(tailer.PollOnce());
  const auto snap = store_.Snapshot();
  ASSERT_TRUE(snap.current_batch);
  EXPECT_EQ(snap.current_batch->id, 5);
  EXPECT_EQ(snap.current_batch->run_start_id, 4);
  EXPECT_EQ(snap.current_batch->files, 9);
  EXPECT_EQ(snap.current_batch->start_timestamp_seconds, (kTailerNow - 2 * day) / 1000.0);
  EXPECT_EQ(snap.stages[0].processed, 2);
  EXPECT_EQ(snap.stages[0].total, 9);
  // The earlier run was not read: its outcome is not counted.
  EXPECT_EQ(snap.batches_complete_total, 0u);
  // A batch the store knows is not read again.
  const int reads = source_.run_reads();
  source_.Append(Ev(0, 5, "stt", "file_complete", kTailerNow).File("c"));
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(source_.run_reads(), reads);
  EXPECT_EQ(Processed("stt"), 3);
}

TEST_F(TailerTest, EventsAheadOfTheDatabaseClockShowAsSkew) {
  source_.db_now_ms = kTailerNow;
  source_.Append(Ev(0, 1, "stt", "stage_start", kTailerNow + 2 * 3600 * 1000));  // a +02:00 writer
  Tailer tailer = MakeTailer();
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_DOUBLE_EQ(*store_.Snapshot().tail.clock_skew_seconds, 7200.0);
  source_.Append(Ev(0, 1, "stt", "stage_progress", kTailerNow - 1000));
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_DOUBLE_EQ(*store_.Snapshot().tail.clock_skew_seconds, 7200.0);  // the newest event
}

TEST_F(TailerTest, ABatchThatBeginsWithBatchStartIsNotLookedUp) {
  Tailer tailer = MakeTailer();
  EXPECT_TRUE(tailer.PollOnce());
  source_.Append(Ev(0, 8, "", "batch_start", kTailerNow));
  source_.Append(Ev(0, 8, "stt", "stage_start", kTailerNow));
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(source_.run_reads(), 0);
}

TEST_F(TailerTest, ReplayStartsAtTheFirstEventOfBatchesActiveInTheWindow) {
  const std::int64_t day = 24LL * 3600 * 1000;
  source_.Append(
      Ev(0, 1, "stt", "file_complete", kTailerNow - 10 * day).File("old"));  // batch 1: too old
  source_.Append(Ev(0, 2, "stt", "stage_start", kTailerNow - 8 * day).Total(3));  // batch 2 began
  source_.Append(
      Ev(0, 2, "stt", "file_complete", kTailerNow - 8 * day).File("a"));  // before the window
  source_.Append(
      Ev(0, 2, "stt", "file_complete", kTailerNow - 1 * day).File("b"));  // and goes on in it
  TailerOptions o;
  o.replay_ms = 7 * day;
  Tailer tailer = MakeTailer(o);
  EXPECT_TRUE(tailer.PollOnce());
  const auto snap = store_.Snapshot();
  EXPECT_EQ(snap.current_batch->id, 2);
  EXPECT_EQ(snap.stages[0].processed, 2);
  EXPECT_EQ(snap.stages[0].total, 3);
  EXPECT_EQ(snap.stages[0].files_completed_total, 2u);  // batch 1 was not read
}

TEST_F(TailerTest, LateCommittedRowBelowTheMarkIsAppliedExactlyOnce) {
  source_.Append(Ev(1, 1, "stt", "file_complete", kTailerNow).File("a"));
  source_.Append(Ev(3, 1, "stt", "file_complete", kTailerNow).File("c"));  // id 2 not committed yet
  source_.db_now_ms = kTailerNow;
  Tailer tailer = MakeTailer();
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(Processed("stt"), 2);
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(source_.last_also_ids(), (std::vector<std::int64_t>{2}));      // still asked for
  source_.Append(Ev(2, 1, "stt", "file_complete", kTailerNow).File("b"));  // commits now
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_TRUE(tailer.PollOnce());
  const auto snap = store_.Snapshot();
  EXPECT_EQ(snap.stages[0].processed, 3);
  EXPECT_EQ(snap.stages[0].events_total[static_cast<std::size_t>(EventType::kFileComplete)], 3u);
  EXPECT_EQ(snap.tail.gaps_expired, 0u);
  EXPECT_TRUE(source_.last_also_ids().empty());
}

TEST_F(TailerTest, RolledBackIdExpiresAfterTheGraceOnTheDatabaseClock) {
  source_.Append(Ev(1, 1, "stt", "file_complete", kTailerNow).File("a"));
  source_.Append(Ev(3, 1, "stt", "file_complete", kTailerNow).File("c"));
  source_.db_now_ms = kTailerNow;
  TailerOptions o;
  o.gap_grace_ms = 60'000;
  Tailer tailer = MakeTailer(o);
  EXPECT_TRUE(tailer.PollOnce());
  source_.db_now_ms = kTailerNow + 59'999;
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(store_.Snapshot().tail.gaps_expired, 0u);
  source_.db_now_ms = kTailerNow + 60'000;
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(store_.Snapshot().tail.gaps_expired, 1u);
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(store_.Snapshot().tail.gaps_expired, 1u);
}

TEST_F(TailerTest, TruncatedTableIsDetectedAndTheStateRebuilt) {
  for (int i = 0; i < 5; ++i)
    source_.Append(Ev(0, 1, "stt", "file_complete", kTailerNow).File("f" + std::to_string(i)));
  Tailer tailer = MakeTailer();
  EXPECT_TRUE(tailer.PollOnce());
  EXPECT_EQ(Processed("stt"), 5);
  source_.Clear();  // TRUNCATE: ids start again at 1
  source_.Append(Ev(1, 9, "stt", "file_complete", kTailerNow).File("new"));
  EXPECT_TRUE(tailer.PollOnce());
  const auto snap = store_.Snapshot();
  EXPECT_EQ(snap.tail.id_regressions, 1u);
  EXPECT_EQ(snap.current_batch->id, 9);
  EXPECT_EQ(snap.stages[0].processed, 1);
  EXPECT_EQ(snap.stages[0].files_completed_total, 1u);
  EXPECT_EQ(snap.tail.last_event_id, 1);
}

TEST_F(TailerTest, ThreadPollsUntilStoppedAndNudgeWakesIt) {
  TailerOptions o;
  o.poll_interval = std::chrono::hours(1);  // only a nudge can make it poll again
  Tailer tailer = MakeTailer(o);
  tailer.Start();
  // The first poll happens at once; wait for it by watching the store, not the clock.
  ASSERT_TRUE(WaitUntil([&] { return store_.Snapshot().tail.poll_duration.count > 0; }));
  ASSERT_EQ(store_.Snapshot().tail.poll_duration.count, 1u);
  source_.Append(Ev(0, 1, "stt", "file_complete", kTailerNow).File("a"));
  tailer.Nudge();
  EXPECT_TRUE(WaitUntil([&] { return Processed("stt") == 1; }));
  const auto started = std::chrono::steady_clock::now();
  tailer.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

}  // namespace
}  // namespace pipeline_exporter

namespace pipeline_exporter {
namespace {

TEST_F(TailerTest, EveryPollIsCountedUnderWhatWokeIt) {
  TailerOptions o;
  o.poll_interval = std::chrono::hours(1);  // only nudges wake it in this test
  Tailer tailer = MakeTailer(o);
  auto wakeups = [&](WakeSource s) {
    return store_.Snapshot().tail.wakeups[static_cast<std::size_t>(s)];
  };
  auto polls = [&] { return store_.Snapshot().tail.poll_duration.count; };
  tailer.Start();
  ASSERT_TRUE(WaitUntil([&] { return polls() == 1; }));  // the first poll: not a wake-up
  EXPECT_EQ(wakeups(WakeSource::kInotify), 0u);
  tailer.Nudge(WakeSource::kNotify);
  ASSERT_TRUE(WaitUntil([&] { return polls() == 2; }));
  EXPECT_EQ(wakeups(WakeSource::kNotify), 1u);
  tailer.Nudge();  // a write through the API
  ASSERT_TRUE(WaitUntil([&] { return polls() == 3; }));
  EXPECT_EQ(wakeups(WakeSource::kApi), 1u);
  // An inotify wake-up is followed by a few reads of its own (see the next test).
  tailer.Nudge(WakeSource::kInotify);
  ASSERT_TRUE(WaitUntil([&] { return wakeups(WakeSource::kInotify) >= 1; }));
  tailer.Stop();
  EXPECT_EQ(wakeups(WakeSource::kPoll), 0u);
}

TEST_F(TailerTest, AnIntervalThatRunsOutCountsAsAPoll) {
  TailerOptions o;
  o.poll_interval = std::chrono::milliseconds(1);
  Tailer tailer = MakeTailer(o);
  tailer.Start();
  ASSERT_TRUE(WaitUntil([&] {
    return store_.Snapshot().tail.wakeups[static_cast<std::size_t>(WakeSource::kPoll)] >= 3;
  }));
  tailer.Stop();
}

}  // namespace
}  // namespace pipeline_exporter

namespace pipeline_exporter {
namespace {

// A SQLite commit can become visible after the change inotify reported: the reads that
// follow an inotify wake-up find a row committed a little later, with no poll and no nudge.
TEST_F(TailerTest, AnInotifyWakeUpIsFollowedByReadsThatFindALateCommit) {
  TailerOptions o;
  o.poll_interval = std::chrono::hours(1);
  Tailer tailer = MakeTailer(o);
  auto polls = [&] { return store_.Snapshot().tail.poll_duration.count; };
  tailer.Start();
  ASSERT_TRUE(WaitUntil([&] { return polls() == 1; }));
  tailer.Nudge(WakeSource::kInotify);
  ASSERT_TRUE(WaitUntil([&] { return polls() >= 2; }));
  source_.Append(Ev(0, 1, "", "batch_start", kTailerNow));  // visible only now
  EXPECT_TRUE(WaitUntil([&] { return store_.Snapshot().tail.last_event_id == 1; }));
  tailer.Stop();
  EXPECT_EQ(store_.Snapshot().tail.wakeups[static_cast<std::size_t>(WakeSource::kPoll)], 0u);
}

}  // namespace
}  // namespace pipeline_exporter

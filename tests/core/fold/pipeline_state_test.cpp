#include "exporter/core/fold/pipeline_state.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/fakes/event_builder.h"

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kStateT0 = 1'700'000'000'000;

PipelineSpec Spec() {
  PipelineSpec s;
  s.name = "cofi";
  s.stages = {{"denoise", "Denoise"}, {"stt", "Speech to text"}};
  return s;
}

const StageSnapshot& StageOf(const PipelineSnapshot& p, const std::string& id) {
  for (const auto& s : p.stages) {
    if (s.id == id) return s;
  }
  throw std::runtime_error("no stage " + id);
}

TEST(PipelineStateTest, ConfiguredStagesAppearInOrderBeforeAnyEvent) {
  PipelineState state(Spec());
  const auto snap = state.Snapshot(kStateT0);
  ASSERT_EQ(snap.stages.size(), 2u);
  EXPECT_EQ(snap.stages[0].id, "denoise");
  EXPECT_EQ(snap.stages[1].title, "Speech to text");
  EXPECT_EQ(snap.stages[0].status, StageStatus::kPending);
  EXPECT_FALSE(snap.current_batch);
}

TEST(PipelineStateTest, UnconfiguredStagesAreAddedInOrderOfAppearance) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "export", "stage_start"));
  state.Apply(Ev(2, 1, "archive", "stage_start"));
  const auto snap = state.Snapshot(kStateT0);
  ASSERT_EQ(snap.stages.size(), 4u);
  EXPECT_EQ(snap.stages[2].id, "export");
  EXPECT_EQ(snap.stages[3].id, "archive");
  EXPECT_EQ(snap.stages[3].title, "archive");
}

TEST(PipelineStateTest, TooManyStagesAreRejectedAndCounted) {
  PipelineSpec spec = Spec();
  spec.max_stages = 3;
  PipelineState state(spec);
  EXPECT_FALSE(state.Apply(Ev(1, 1, "third", "stage_start")));
  EXPECT_EQ(state.Apply(Ev(2, 1, "fourth", "stage_start")), InvalidReason::kTooManyStages);
  const auto snap = state.Snapshot(kStateT0);
  EXPECT_EQ(snap.stages.size(), 3u);
  EXPECT_EQ(snap.invalid_events_total[static_cast<std::size_t>(InvalidReason::kTooManyStages)], 1u);
}

TEST(PipelineStateTest, NewBatchBecomesCurrentAndResetsTheGauges) {
  PipelineState state(Spec());
  state.Apply(
      Ev(1, 7, "", "batch_start", kStateT0).Meta(R"({"batchDate":"2024-01-13","batchNumber":3})"));
  state.Apply(Ev(2, 7, "stt", "stage_start", kStateT0).Total(5));
  state.Apply(Ev(3, 7, "stt", "file_complete", kStateT0).File("a"));
  auto snap = state.Snapshot(kStateT0);
  ASSERT_TRUE(snap.current_batch);
  EXPECT_EQ(snap.current_batch->id, 7);
  EXPECT_EQ(snap.current_batch->batch_date, "2024-01-13");
  EXPECT_EQ(snap.current_batch->batch_number, "3");
  EXPECT_EQ(StageOf(snap, "stt").processed, 1);

  state.Apply(Ev(4, 8, "", "batch_start", kStateT0 + 1000));
  snap = state.Snapshot(kStateT0 + 1000);
  EXPECT_EQ(snap.current_batch->id, 8);
  EXPECT_EQ(snap.current_batch->batch_date, "");
  EXPECT_EQ(StageOf(snap, "stt").processed, 0);
  EXPECT_EQ(StageOf(snap, "stt").status, StageStatus::kPending);
  // Counters keep counting across batches.
  EXPECT_EQ(StageOf(snap, "stt").files_completed_total, 1u);
}

TEST(PipelineStateTest, LateEventsOfAnOlderBatchDoNotTakeOverTheGauges) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "stt", "stage_start").Total(5));
  state.Apply(Ev(2, 2, "stt", "stage_start").Total(9));
  state.Apply(Ev(3, 1, "stt", "file_complete").File("a"));
  const auto snap = state.Snapshot(kStateT0);
  EXPECT_EQ(snap.current_batch->id, 2);
  EXPECT_EQ(StageOf(snap, "stt").total, 9);
  EXPECT_EQ(StageOf(snap, "stt").processed, 0);
  EXPECT_EQ(StageOf(snap, "stt").files_completed_total, 1u);
}

TEST(PipelineStateTest, CurrentBatchIsTheOneWhoseFirstEventIsNewest) {
  PipelineState state(Spec());
  state.Apply(Ev(10, 2, "stt", "stage_start"));
  // A row of batch 1 with a lower id commits late: batch 2 stays current.
  state.Apply(Ev(5, 1, "stt", "stage_start"));
  EXPECT_EQ(*state.current_batch_id(), 2);
}

TEST(PipelineStateTest, BatchStatusAndOutcomeCounters) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "", "batch_start"));
  state.Apply(Ev(2, 1, "", "batch_complete"));
  state.Apply(Ev(3, 1, "", "batch_complete"));  // a duplicate outcome is not a second batch
  state.Apply(Ev(4, 2, "", "batch_start"));
  state.Apply(Ev(5, 2, "stt", "stage_start"));
  state.Apply(Ev(6, 2, "", "batch_failed"));
  const auto snap = state.Snapshot(kStateT0);
  EXPECT_EQ(snap.batches_complete_total, 1u);
  EXPECT_EQ(snap.batches_failed_total, 1u);
  EXPECT_EQ(snap.current_batch->status, BatchStatus::kFailed);
  EXPECT_EQ(StageOf(snap, "stt").status, StageStatus::kFailed);  // was processing
  EXPECT_EQ(StageOf(snap, "denoise").status, StageStatus::kPending);
}

TEST(PipelineStateTest, PausedBetweenPauseAndResumeAndCanceledAsAnOutcome) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "", "batch_start"));
  state.Apply(Ev(2, 1, "stt", "stage_start").Total(4));
  state.Apply(Ev(3, 1, "denoise", "stage_start"));
  state.Apply(Ev(4, 1, "denoise", "stage_complete").Processed(4).Failed(0));
  state.Apply(Ev(5, 1, "", "batch_paused"));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->status, BatchStatus::kPaused);
  EXPECT_EQ(StageOf(state.Snapshot(kStateT0), "stt").status, StageStatus::kProcessing);
  state.Apply(Ev(6, 1, "", "batch_resumed"));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->status, BatchStatus::kRunning);
  state.Apply(Ev(7, 1, "", "batch_paused"));
  state.Apply(Ev(8, 1, "", "batch_canceled").At(kStateT0 + 5000));
  auto snap = state.Snapshot(kStateT0 + 60'000);
  EXPECT_EQ(snap.current_batch->status, BatchStatus::kCanceled);
  EXPECT_EQ(snap.batches_canceled_total, 1u);
  EXPECT_EQ(StageOf(snap, "stt").status, StageStatus::kCanceled);  // was processing
  EXPECT_EQ(StageOf(snap, "stt").duration_seconds, 5.0);           // ends with the batch
  EXPECT_EQ(StageOf(snap, "denoise").status, StageStatus::kComplete);
  // After the outcome, a late pause changes nothing; a batch_start begins a new run.
  state.Apply(Ev(9, 1, "", "batch_resumed"));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->status, BatchStatus::kCanceled);
  state.Apply(Ev(10, 1, "", "batch_start"));
  snap = state.Snapshot(kStateT0);
  EXPECT_EQ(snap.current_batch->status, BatchStatus::kRunning);
  EXPECT_EQ(StageOf(snap, "stt").status, StageStatus::kPending);
  // A completion corrects a cancel: the latest outcome wins, counted in both.
  state.Apply(Ev(11, 1, "", "batch_canceled"));
  state.Apply(Ev(12, 1, "", "batch_complete"));
  snap = state.Snapshot(kStateT0);
  EXPECT_EQ(snap.current_batch->status, BatchStatus::kComplete);
  EXPECT_EQ(snap.batches_canceled_total, 2u);
  EXPECT_EQ(snap.batches_complete_total, 1u);
}

ControlRequest Control(std::int64_t id, std::int64_t batch, ControlAction action,
                       std::int64_t at_ms) {
  ControlRequest r;
  r.id = id;
  r.batch_id = batch;
  r.action = action;
  r.requested_by = "alice";
  r.requested_at_ms = at_ms;
  return r;
}

TEST(PipelineStateTest, ARequestShowsUntilThePipelineAcknowledgesIt) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "", "batch_start").At(kStateT0));
  state.Apply(Ev(2, 1, "stt", "stage_start").At(kStateT0));
  state.ApplyControl(Control(1, 1, ControlAction::kPause, kStateT0 + 1000));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->status, BatchStatus::kPausing);
  state.Apply(Ev(3, 1, "", "batch_paused").At(kStateT0 + 2000));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->status, BatchStatus::kPaused);
  // Read again (a restart reads the control table after the events): answered already.
  state.ApplyControl(Control(1, 1, ControlAction::kPause, kStateT0 + 1000));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->status, BatchStatus::kPaused);
  state.ApplyControl(Control(2, 1, ControlAction::kCancel, kStateT0 + 3000));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->status, BatchStatus::kCanceling);
  state.Apply(Ev(4, 1, "", "batch_resumed").At(kStateT0 + 3500));  // cancel still pending
  state.Apply(Ev(5, 1, "", "batch_canceled").At(kStateT0 + 4000));
  auto snap = state.Snapshot(kStateT0);
  EXPECT_EQ(snap.current_batch->status, BatchStatus::kCanceled);
  ASSERT_EQ(snap.current_batch->control.size(), 2u);  // the history, oldest first
  EXPECT_EQ(snap.current_batch->control[0].action, ControlAction::kPause);
  EXPECT_EQ(snap.current_batch->control[1].requested_by, "alice");
  EXPECT_EQ(snap.control_requests_total[2], 1u);
  // A resume withdraws a pause not yet acknowledged; a request for a batch not held counts.
  state.Apply(Ev(6, 2, "", "batch_start").At(kStateT0 + 5000));
  state.ApplyControl(Control(3, 2, ControlAction::kPause, kStateT0 + 6000));
  state.ApplyControl(Control(4, 2, ControlAction::kResume, kStateT0 + 7000));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->status, BatchStatus::kRunning);
  state.ApplyControl(Control(5, 99, ControlAction::kCancel, kStateT0 + 8000));
  EXPECT_EQ(state.Snapshot(kStateT0).control_requests_total[2], 2u);
}

TEST(PipelineStateTest, BatchFilesFromBatchStartOrLargestStageTotal) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "stt", "stage_start").Total(40));
  state.Apply(Ev(2, 1, "denoise", "stage_start").Total(42));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->files, 42);
  state.Apply(Ev(3, 1, "", "batch_start").Total(50));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->files, 50);
}

TEST(PipelineStateTest, MetadataThatIsNotJsonOrTooLongIsIgnored) {
  PipelineState state(Spec());
  EXPECT_FALSE(state.Apply(Ev(1, 1, "", "batch_start").Meta("not json {")));
  EXPECT_FALSE(state.Apply(
      Ev(2, 2, "", "batch_start").Meta(R"({"batchDate":")" + std::string(100, 'x') + R"("})")));
  EXPECT_EQ(state.Snapshot(kStateT0).current_batch->batch_date, "");
}

TEST(PipelineStateTest, TypicalDurationIsTheMedianOfEarlierCompletedBatches) {
  PipelineSpec spec = Spec();
  spec.baseline_batches = 3;
  PipelineState state(spec);
  EXPECT_TRUE(std::isnan(StageOf(state.Snapshot(kStateT0), "stt").typical_duration_seconds));
  std::int64_t id = 1;
  const int durations_s[] = {100, 10, 30, 20};  // oldest first
  for (int b = 0; b < 4; ++b) {
    const std::int64_t start = kStateT0 + b * 1'000'000;
    state.Apply(Ev(id++, b + 1, "stt", "stage_start", start));
    state.Apply(Ev(id++, b + 1, "stt", "stage_complete", start + durations_s[b] * 1000));
  }
  // Batch 4 is current; the last three earlier ones took 100, 10, 30 s → median 30.
  EXPECT_DOUBLE_EQ(StageOf(state.Snapshot(kStateT0), "stt").typical_duration_seconds, 30);
  state.Apply(Ev(id++, 5, "stt", "stage_start", kStateT0 + 9'000'000));
  // Now 10, 30, 20 → 20.
  EXPECT_DOUBLE_EQ(StageOf(state.Snapshot(kStateT0), "stt").typical_duration_seconds, 20);
}

TEST(PipelineStateTest, EventCountersByStageAndType) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "", "batch_start"));
  state.Apply(Ev(2, 1, "stt", "file_complete").File("a"));
  state.Apply(Ev(3, 1, "stt", "file_complete").File("b"));
  state.Apply(Ev(4, 1, "stt", "warning"));
  const auto snap = state.Snapshot(kStateT0);
  const auto& stt = StageOf(snap, "stt");
  EXPECT_EQ(stt.events_total[static_cast<std::size_t>(EventType::kFileComplete)], 2u);
  EXPECT_EQ(stt.events_total[static_cast<std::size_t>(EventType::kWarning)], 1u);
  EXPECT_EQ(snap.batch_level_events_total[static_cast<std::size_t>(EventType::kBatchStart)], 1u);
}

TEST(PipelineStateTest, FileDurationsGoToTheHistogram) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "stt", "file_complete").File("a").Duration(300));
  state.Apply(Ev(2, 1, "stt", "file_complete").File("b").Duration(7000));
  state.Apply(Ev(3, 1, "stt", "file_complete").File("b").Duration(7000));  // duplicate
  const auto snap = state.Snapshot(kStateT0);
  const auto& h = StageOf(snap, "stt").file_duration;
  EXPECT_EQ(h.count, 2u);
  EXPECT_DOUBLE_EQ(h.sum, 7.3);
  EXPECT_EQ(h.counts[1], 1u);  // ≤ 0.5
  EXPECT_EQ(h.counts[5], 1u);  // ≤ 10
}

TEST(PipelineStateTest, ExemplarsAreTheNewestEventOfEachBucketAndCounter) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "stt", "file_complete", kStateT0 + 1000).File("a").Duration(300));
  state.Apply(Ev(2, 1, "stt", "file_complete", kStateT0 + 2000).File("b").Duration(7000));
  state.Apply(Ev(3, 1, "stt", "file_complete", kStateT0 + 3000).File("c").Duration(400));
  state.Apply(Ev(4, 1, "stt", "file_complete", kStateT0 + 4000).File("c").Duration(9000));  // a dup
  state.Apply(Ev(5, 1, "stt", "error", kStateT0 + 5000).File("d"));
  const StageSnapshot stt = StageOf(state.Snapshot(kStateT0 + 6000), "stt");
  ASSERT_EQ(stt.file_duration_exemplars.size(), stt.file_duration.counts.size());
  ASSERT_TRUE(stt.file_duration_exemplars[1]);  // ≤ 0.5: c (newer than a)
  EXPECT_EQ(stt.file_duration_exemplars[1]->event_id, 3);
  EXPECT_DOUBLE_EQ(stt.file_duration_exemplars[1]->value, 0.4);
  EXPECT_DOUBLE_EQ(stt.file_duration_exemplars[1]->timestamp_seconds, (kStateT0 + 3000) / 1000.0);
  ASSERT_TRUE(stt.file_duration_exemplars[5]);  // ≤ 10: b; the duplicate observed nothing
  EXPECT_EQ(stt.file_duration_exemplars[5]->event_id, 2);
  EXPECT_FALSE(stt.file_duration_exemplars[0]);
  ASSERT_TRUE(stt.files_completed_exemplar);
  EXPECT_EQ(stt.files_completed_exemplar->event_id, 3);  // the duplicate counted nothing
  EXPECT_EQ(stt.files_completed_exemplar->batch_id, 1);
  EXPECT_EQ(stt.files_completed_exemplar->value, 1);
  ASSERT_TRUE(stt.files_failed_exemplar);
  EXPECT_EQ(stt.files_failed_exemplar->event_id, 5);
  EXPECT_FALSE(StageOf(state.Snapshot(kStateT0 + 6000), "denoise").files_completed_exemplar);
}

TEST(PipelineStateTest, ARowReadLateThroughAGapDoesNotDisplaceANewerExemplar) {
  PipelineState state(Spec());
  state.Apply(Ev(10, 1, "stt", "file_complete").File("new").Duration(300));
  state.Apply(Ev(9, 1, "stt", "file_complete").File("old").Duration(310));  // committed late
  const StageSnapshot stt = StageOf(state.Snapshot(kStateT0), "stt");
  EXPECT_EQ(stt.files_completed_total, 2u);
  EXPECT_EQ(stt.files_completed_exemplar->event_id, 10);
  EXPECT_EQ(stt.file_duration_exemplars[1]->event_id, 10);
}

TEST(PipelineStateTest, ReplayingTheSameLogGivesTheSameState) {
  std::vector<StageEvent> log;
  std::int64_t id = 1;
  for (int b = 1; b <= 3; ++b) {
    auto add = [&](const std::string& stage, const std::string& type) -> Ev {
      const std::int64_t this_id = id++;
      return Ev(this_id, b, stage, type, kStateT0 + this_id * 100);
    };
    log.push_back(add("", "batch_start"));
    log.push_back(add("stt", "stage_start").Total(20));
    for (int f = 0; f < 20; ++f) {
      log.push_back(
          add("stt", f % 7 == 0 ? "error" : "file_complete").File("f" + std::to_string(f)));
    }
    if (b < 3) log.push_back(add("stt", "stage_complete").Processed(17).Failed(3));
  }
  PipelineState a(Spec()), b(Spec());
  for (const auto& e : log) a.Apply(e);
  for (const auto& e : log) b.Apply(e);
  const auto sa = a.Snapshot(kStateT0 + 100'000), sb = b.Snapshot(kStateT0 + 100'000);
  ASSERT_EQ(sa.stages.size(), sb.stages.size());
  for (std::size_t i = 0; i < sa.stages.size(); ++i) {
    EXPECT_EQ(sa.stages[i].processed, sb.stages[i].processed);
    EXPECT_EQ(sa.stages[i].failed, sb.stages[i].failed);
    EXPECT_EQ(sa.stages[i].files_completed_total, sb.stages[i].files_completed_total);
    EXPECT_EQ(sa.stages[i].duration_seconds, sb.stages[i].duration_seconds);
    // A restarted exporter reads the same rows and shows the same exemplars.
    ASSERT_EQ(sa.stages[i].files_completed_exemplar.has_value(),
              sb.stages[i].files_completed_exemplar.has_value());
    if (sa.stages[i].files_completed_exemplar) {
      EXPECT_EQ(sa.stages[i].files_completed_exemplar->event_id,
                sb.stages[i].files_completed_exemplar->event_id);
    }
    ASSERT_EQ(sa.stages[i].files_failed_exemplar.has_value(),
              sb.stages[i].files_failed_exemplar.has_value());
    if (sa.stages[i].files_failed_exemplar) {
      EXPECT_EQ(sa.stages[i].files_failed_exemplar->event_id,
                sb.stages[i].files_failed_exemplar->event_id);
    }
  }
  EXPECT_EQ(StageOf(sa, "stt").processed, 17);
  EXPECT_EQ(StageOf(sa, "stt").failed, 3);
}

TEST(PipelineStateTest, ACorrectedOutcomeWinsAndCountsInBoth) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "", "batch_start"));
  state.Apply(Ev(2, 1, "stt", "stage_start").Total(3));
  state.Apply(Ev(3, 1, "", "batch_failed"));
  EXPECT_EQ(StageOf(state.Snapshot(kStateT0), "stt").status, StageStatus::kFailed);
  state.Apply(Ev(4, 1, "", "batch_complete"));
  auto snap = state.Snapshot(kStateT0);
  EXPECT_EQ(snap.current_batch->status, BatchStatus::kComplete);
  EXPECT_EQ(snap.batches_failed_total, 1u);
  EXPECT_EQ(snap.batches_complete_total, 1u);
  // The stage ended with the batch, so it follows the correction.
  EXPECT_EQ(StageOf(snap, "stt").status, StageStatus::kComplete);
  state.Apply(Ev(5, 1, "", "batch_failed"));
  snap = state.Snapshot(kStateT0);
  EXPECT_EQ(snap.current_batch->status, BatchStatus::kFailed);
  EXPECT_EQ(snap.batches_failed_total, 2u);
}

TEST(PipelineStateTest, BatchCompleteEndsStagesStillProcessing) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "stt", "stage_start", kStateT0).Total(10));
  state.Apply(Ev(2, 1, "stt", "file_complete", kStateT0 + 1000).File("a"));
  state.Apply(Ev(3, 1, "", "batch_complete", kStateT0 + 5000));
  const auto snap = state.Snapshot(kStateT0 + 3'600'000);
  const auto& stt = StageOf(snap, "stt");
  EXPECT_EQ(stt.status, StageStatus::kComplete);
  EXPECT_DOUBLE_EQ(*stt.duration_seconds, 5.0);  // not still growing an hour later
  EXPECT_EQ(stt.eta_seconds, 0.0);
  EXPECT_EQ(stt.processed, 1);
}

TEST(PipelineStateTest, AReusedBatchIdStartsANewRunAndBecomesCurrent) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 42, "", "batch_start").Total(10));
  state.Apply(Ev(2, 42, "stt", "stage_start").Total(10));
  state.Apply(Ev(3, 42, "stt", "stage_complete").Processed(10).Failed(0));
  state.Apply(Ev(4, 42, "", "batch_complete"));
  state.Apply(Ev(5, 43, "", "batch_start").Total(5));
  EXPECT_EQ(*state.current_batch_id(), 43);
  // Days later batch 42 runs again.
  state.Apply(Ev(6, 42, "", "batch_start").Total(100));
  state.Apply(Ev(7, 42, "stt", "stage_start").Total(100));
  state.Apply(Ev(8, 42, "stt", "file_complete").File("x"));
  const auto snap = state.Snapshot(kStateT0);
  EXPECT_EQ(snap.current_batch->id, 42);
  EXPECT_EQ(snap.current_batch->run_start_id, 6);
  EXPECT_EQ(snap.current_batch->status, BatchStatus::kRunning);
  EXPECT_EQ(snap.current_batch->files, 100);
  EXPECT_EQ(StageOf(snap, "stt").processed, 1);  // not the old run's 10
  EXPECT_EQ(StageOf(snap, "stt").total, 100);
  EXPECT_EQ(snap.batches_complete_total, 1u);
  // A row of the old run that commits late changes nothing.
  state.Apply(Ev(3, 42, "stt", "stage_complete").Processed(10).Failed(0));
  EXPECT_EQ(StageOf(state.Snapshot(kStateT0), "stt").processed, 1);
}

TEST(PipelineStateTest, HistoryIsNewestRunFirstWithSumsOfTheStages) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 7, "", "batch_start", kStateT0).Total(4));
  state.Apply(Ev(2, 7, "stt", "stage_start", kStateT0).Total(4));
  state.Apply(Ev(3, 7, "stt", "file_complete", kStateT0).File("a"));
  state.Apply(Ev(4, 7, "stt", "file_complete", kStateT0).File("a"));  // a duplicate counts once
  state.Apply(Ev(5, 7, "stt", "error", kStateT0).File("b"));
  state.Apply(Ev(6, 7, "stt", "file_complete", kStateT0).File("b"));  // retried: now processed
  state.Apply(Ev(7, 7, "denoise", "error", kStateT0).File("c"));
  state.Apply(Ev(8, 3, "", "batch_start", kStateT0 + 1000));  // a lower batch id started later
  state.Apply(Ev(9, 7, "", "batch_complete", kStateT0 + 10'000));
  const auto lines = state.History(std::nullopt, 10, kStateT0 + 20'000);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].id, 3);
  EXPECT_EQ(lines[1].id, 7);
  EXPECT_EQ(lines[1].status, BatchStatus::kComplete);
  EXPECT_EQ(lines[1].files_processed, 2);
  EXPECT_EQ(lines[1].files_failed, 1);
  EXPECT_DOUBLE_EQ(lines[1].duration_seconds, 10.0);
  ASSERT_EQ(lines[1].stages.size(), 2u);
  EXPECT_EQ(lines[1].stages[0].id, "denoise");
  // A file error is a file event: the stage was processing, and ended with the batch.
  EXPECT_EQ(lines[1].stages[0].status, StageStatus::kComplete);
  EXPECT_EQ(lines[1].stages[0].failed, 1);
  EXPECT_EQ(lines[1].stages[1].processed, 2);
  // The cursor pages on.
  const auto older = state.History(lines[0].run_start_id, 10, kStateT0);
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0].id, 7);
  EXPECT_TRUE(state.History(lines[1].run_start_id, 10, kStateT0).empty());
}

TEST(PipelineStateTest, SnapshotOfAnyHeldBatch) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "stt", "stage_start").Total(5));
  state.Apply(Ev(2, 2, "stt", "stage_start").Total(9));
  const auto one = state.SnapshotOfBatch(1, kStateT0);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->current_batch->id, 1);
  EXPECT_EQ(StageOf(*one, "stt").total, 5);
  EXPECT_FALSE(state.SnapshotOfBatch(3, kStateT0));
}

TEST(PipelineStateTest, OldBatchesAreForgottenBeyondTheLimit) {
  PipelineSpec spec = Spec();
  spec.max_batches_kept = 3;
  PipelineState state(spec);
  for (int b = 1; b <= 10; ++b) state.Apply(Ev(b, b, "stt", "stage_start"));
  EXPECT_EQ(*state.current_batch_id(), 10);
  EXPECT_FALSE(state.FindBatch(1));
  EXPECT_TRUE(state.FindBatch(9));
  // Forgotten, but known: its rows have been read (the tail does not join it again).
  EXPECT_TRUE(state.Knows(1));
  EXPECT_FALSE(state.Holds(1));
  EXPECT_FALSE(state.Knows(11));
}

}  // namespace
}  // namespace pipeline_exporter

namespace pipeline_exporter {
namespace {

const WorkerTotals* WorkerOf(const StageSnapshot& s, const std::string& worker) {
  for (const auto& w : s.workers) {
    if (w.worker == worker) return &w;
  }
  return nullptr;
}

TEST(PipelineStateWorkersTest, PastMaxWorkersTheRestAreOtherAndCounted) {
  PipelineSpec spec = Spec();
  spec.max_workers = 2;
  PipelineState state(spec);
  int id = 0;
  for (const char* gpu : {"g1", "g2", "g3", "g4", "g1"}) {
    ++id;
    state.Apply(
        Ev(id, 1, "stt", "file_complete", kStateT0 + id).File("f" + std::to_string(id)).Gpu(gpu));
  }
  state.Apply(Ev(++id, 1, "stt", "file_complete", kStateT0).File("x").Gpu("bad\x01"));  // no worker
  const auto snap = state.Snapshot(kStateT0 + 100);
  const StageSnapshot& stt = StageOf(snap, "stt");
  ASSERT_EQ(stt.workers.size(), 3u);
  EXPECT_EQ(WorkerOf(stt, "g1")->files_completed, 2u);
  EXPECT_EQ(WorkerOf(stt, "g2")->files_completed, 1u);
  EXPECT_EQ(WorkerOf(stt, "other")->files_completed, 2u);
  EXPECT_FALSE(WorkerOf(stt, "g3"));
  EXPECT_EQ(snap.worker_overflow_events_total, 2u);
  EXPECT_EQ(stt.files_completed_total, 6u);  // the stage counts every file
}

TEST(PipelineStateWorkersTest, WorkersViewHasTheBatchAndSinceStartAndMarksTheSilent) {
  PipelineState state(Spec());
  state.Apply(Ev(1, 1, "", "batch_start", kStateT0));
  state.Apply(Ev(2, 1, "stt", "stage_start", kStateT0));
  state.Apply(Ev(3, 1, "stt", "file_complete", kStateT0 + 1000).File("a").Gpu("g1").Duration(3000));
  state.Apply(Ev(4, 1, "stt", "error", kStateT0 + 1000).File("b").Gpu("g2"));
  state.Apply(Ev(5, 1, "", "batch_complete", kStateT0 + 2000));
  state.Apply(Ev(6, 2, "", "batch_start", kStateT0 + 3000));
  state.Apply(Ev(7, 2, "stt", "stage_start", kStateT0 + 3000));
  state.Apply(Ev(8, 2, "stt", "file_complete", kStateT0 + 4000).File("a").Gpu("g1"));
  // g2 worked on batch 1 only; at 4 min it has been silent while stt is processing.
  const auto rows = state.Workers(kStateT0 + 4 * 60'000);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].worker, "g1");
  EXPECT_EQ(rows[0].batch.completed, 1);
  EXPECT_EQ(rows[0].total.completed, 2);
  EXPECT_DOUBLE_EQ(*rows[0].total.median_duration_seconds, 3.0);
  EXPECT_EQ(rows[1].worker, "g2");
  EXPECT_EQ(rows[1].batch.failed, 0);
  EXPECT_TRUE(std::isnan(rows[1].batch.failure_ratio));
  EXPECT_EQ(rows[1].total.failed, 1);
  EXPECT_DOUBLE_EQ(rows[1].total.failure_ratio, 1.0);
  EXPECT_TRUE(rows[0].silent);  // its last event is 4 min old too
  EXPECT_TRUE(rows[1].silent);
  EXPECT_FALSE(state.Workers(kStateT0 + 5000)[0].silent);
  // Once the stage has ended nobody is silent.
  state.Apply(Ev(9, 2, "stt", "stage_complete", kStateT0 + 5000));
  EXPECT_FALSE(state.Workers(kStateT0 + 4 * 60'000)[1].silent);
}

TEST(PipelineStateSubStagesTest, AtMostMaxSubStagesPerStageRunTheRestRejected) {
  PipelineSpec spec = Spec();
  spec.max_substages = 2;
  PipelineState state(spec);
  EXPECT_FALSE(state.Apply(Ev(1, 1, "stt", "substage_start", kStateT0).Sub("a")));
  EXPECT_FALSE(state.Apply(Ev(2, 1, "stt", "substage_start", kStateT0).Sub("b")));
  EXPECT_EQ(state.Apply(Ev(3, 1, "stt", "substage_start", kStateT0).Sub("c")),
            InvalidReason::kTooManySubStages);
  EXPECT_FALSE(state.Apply(Ev(4, 1, "stt", "substage_complete", kStateT0 + 2000).Sub("a")));
  EXPECT_FALSE(state.Apply(Ev(5, 1, "denoise", "substage_start", kStateT0).Sub("c")));  // per stage
  const auto snap = state.Snapshot(kStateT0 + 3000);
  const StageSnapshot& stt = StageOf(snap, "stt");
  ASSERT_EQ(stt.sub_stages.size(), 2u);
  EXPECT_EQ(stt.sub_stages[0].status, StageStatus::kComplete);
  EXPECT_DOUBLE_EQ(stt.sub_stages[0].duration_seconds, 2.0);
  EXPECT_EQ(stt.sub_stages[1].status, StageStatus::kProcessing);
  EXPECT_DOUBLE_EQ(stt.sub_stages[1].duration_seconds, 3.0);
  EXPECT_EQ(stt.status, StageStatus::kProcessing);
  EXPECT_EQ(snap.invalid_events_total[static_cast<std::size_t>(InvalidReason::kTooManySubStages)],
            1u);
  EXPECT_EQ(stt.events_total[static_cast<std::size_t>(EventType::kSubstageStart)], 2u);
}

}  // namespace
}  // namespace pipeline_exporter

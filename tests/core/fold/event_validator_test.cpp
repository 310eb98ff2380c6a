#include "exporter/core/fold/event_validator.h"

#include <gtest/gtest.h>

#include "tests/fakes/event_builder.h"

namespace pipeline_exporter {
namespace {

std::optional<InvalidReason> Check(const StageEvent& e) { return ValidateEvent(e).reason; }

TEST(EventValidatorTest, AcceptsEveryTypeOfTheClosedSet) {
  for (EventType t : AllEventTypes()) {
    StageEvent e = Ev(1, 1, "stt", std::string(EventTypeName(t))).File("a.wav").Sub("align");
    const Validation v = ValidateEvent(e);
    EXPECT_FALSE(v.reason) << EventTypeName(t);
    EXPECT_EQ(v.type, t);
  }
}

TEST(EventValidatorTest, SubStageEventsNeedAStageAndAValidSubStage) {
  EXPECT_EQ(Check(Ev(1, 1, "stt", "substage_start")), InvalidReason::kMissingSubStage);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "substage_complete").Sub("")), InvalidReason::kMissingSubStage);
  EXPECT_EQ(Check(Ev(1, 1, "", "substage_start").Sub("align")), InvalidReason::kMissingStage);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "substage_start").Sub(std::string(65, 'a'))),
            InvalidReason::kInvalidSubStage);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "substage_start").Sub("a\nb")), InvalidReason::kInvalidSubStage);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "substage_start").Sub("\xff")), InvalidReason::kInvalidUtf8);
  EXPECT_FALSE(Check(Ev(1, 1, "stt", "substage_start").Sub(std::string(64, 'a'))));
  // Other events may carry a subStage; it is not looked at.
  EXPECT_FALSE(Check(Ev(1, 1, "stt", "info").Sub(std::string(100, 'a'))));
}

TEST(EventValidatorTest, AWorkerIsAValidLabelValueOrNone) {
  EXPECT_TRUE(IsValidWorker(std::string("10.0.3.14")));
  EXPECT_TRUE(IsValidWorker(std::string(64, 'a')));
  EXPECT_FALSE(IsValidWorker(std::nullopt));
  EXPECT_FALSE(IsValidWorker(std::string()));
  EXPECT_FALSE(IsValidWorker(std::string(65, 'a')));
  EXPECT_FALSE(IsValidWorker(std::string("gpu\x01")));
  EXPECT_FALSE(IsValidWorker(std::string("\xc3")));
}

TEST(EventValidatorTest, RejectsUnknownTypesCaseSensitively) {
  EXPECT_EQ(Check(Ev(1, 1, "stt", "stage_begin")), InvalidReason::kUnknownEventType);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "STAGE_START")), InvalidReason::kUnknownEventType);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "")), InvalidReason::kUnknownEventType);
}

TEST(EventValidatorTest, StageAndFileEventsNeedAStage) {
  EXPECT_EQ(Check(Ev(1, 1, "", "stage_start")), InvalidReason::kMissingStage);
  EXPECT_EQ(Check(Ev(1, 1, "", "file_complete").File("a")), InvalidReason::kMissingStage);
  EXPECT_FALSE(Check(Ev(1, 1, "", "batch_start")));
  EXPECT_FALSE(Check(Ev(1, 1, "", "error")));
}

TEST(EventValidatorTest, FileEventsNeedAFileName) {
  EXPECT_EQ(Check(Ev(1, 1, "stt", "file_complete")), InvalidReason::kMissingFileName);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "file_start").File("")), InvalidReason::kMissingFileName);
}

TEST(EventValidatorTest, CountsMustBeSane) {
  EXPECT_EQ(Check(Ev(1, 1, "stt", "stage_start").Total(-1)), InvalidReason::kInvalidCount);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "stage_progress").Processed(kMaxFileCount + 1)),
            InvalidReason::kInvalidCount);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "stage_progress").Failed(-5)), InvalidReason::kInvalidCount);
  EXPECT_FALSE(Check(Ev(1, 1, "stt", "stage_progress").Processed(kMaxFileCount)));
}

TEST(EventValidatorTest, DurationsMustBeSane) {
  EXPECT_EQ(Check(Ev(1, 1, "stt", "file_complete").File("a").Duration(-1)),
            InvalidReason::kInvalidDuration);
  EXPECT_EQ(Check(Ev(1, 1, "stt", "file_complete").File("a").Duration(kMaxDurationMs + 1)),
            InvalidReason::kInvalidDuration);
}

TEST(EventValidatorTest, StageNamesMustBeValidLabelValues) {
  EXPECT_EQ(Check(Ev(1, 1, "st\xff", "stage_start")), InvalidReason::kInvalidUtf8);
  EXPECT_EQ(Check(Ev(1, 1, std::string(65, 'a'), "stage_start")), InvalidReason::kInvalidStage);
  EXPECT_EQ(Check(Ev(1, 1, "a\nb", "stage_start")), InvalidReason::kInvalidStage);
  EXPECT_FALSE(Check(Ev(1, 1, "Sprach-Erkennung \xC3\xBC", "stage_start")));
}

TEST(EventValidatorTest, TimestampMustBePresent) {
  EXPECT_EQ(Check(Ev(1, 1, "stt", "stage_start", 0)), InvalidReason::kInvalidTimestamp);
}

TEST(EventValidatorTest, BatchIdMustBePositive) {
  EXPECT_EQ(Check(Ev(1, 0, "stt", "stage_start")), InvalidReason::kInvalidBatchId);
  EXPECT_EQ(Check(Ev(1, -5, "", "batch_start")), InvalidReason::kInvalidBatchId);
  EXPECT_FALSE(Check(Ev(1, 1, "", "batch_start")));
}

}  // namespace
}  // namespace pipeline_exporter

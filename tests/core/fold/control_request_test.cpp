#include "exporter/core/fold/control_request.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(ControlRequestTest, ActionsByName) {
  for (const ControlAction a : kAllControlActions) {
    EXPECT_EQ(ParseControlAction(ControlActionName(a)), a);
  }
  EXPECT_FALSE(ParseControlAction("Pause"));
  EXPECT_FALSE(ParseControlAction(""));
  EXPECT_FALSE(ParseControlAction("stop"));
}

TEST(ControlRequestTest, WhichActionFitsWhichStatus) {
  using S = BatchStatus;
  using A = ControlAction;
  EXPECT_TRUE(ControlFits(A::kPause, S::kRunning));
  EXPECT_FALSE(ControlFits(A::kPause, S::kPausing));
  EXPECT_FALSE(ControlFits(A::kPause, S::kPaused));
  EXPECT_TRUE(ControlFits(A::kResume, S::kPaused));
  EXPECT_TRUE(ControlFits(A::kResume, S::kPausing));
  EXPECT_FALSE(ControlFits(A::kResume, S::kRunning));
  for (const S s : {S::kRunning, S::kPausing, S::kPaused}) EXPECT_TRUE(ControlFits(A::kCancel, s));
  for (const S s : {S::kCanceling, S::kCanceled, S::kComplete, S::kFailed}) {
    for (const A a : kAllControlActions) EXPECT_FALSE(ControlFits(a, s));
  }
}

}  // namespace
}  // namespace pipeline_exporter

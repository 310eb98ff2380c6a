#include "exporter/source/stoppable_thread.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>

#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

TEST(StoppableThreadTest, StopMakesTheDescriptorReadableAndWaitsForTheBody) {
  std::atomic<bool> waiting{false};
  std::atomic<bool> returned{false};
  StoppableThread t;
  t.Start([&](int stop_fd) {
    waiting = true;
    pollfd fd{stop_fd, POLLIN, 0};
    poll(&fd, 1, -1);  // until Stop()
    returned = (fd.revents & POLLIN) != 0;
  });
  EXPECT_TRUE(t.running());
  ASSERT_TRUE(WaitUntil([&] { return waiting.load(); }));
  EXPECT_FALSE(returned);
  t.Stop();
  EXPECT_TRUE(returned);  // the body saw the signal, and Stop waited for it to return
  EXPECT_FALSE(t.running());
  t.Stop();  // idempotent
}

TEST(StoppableThreadTest, ItCanBeStartedAgainAfterAStop) {
  std::atomic<int> runs{0};
  StoppableThread t;
  for (int i = 0; i < 2; ++i) {
    t.Start([&](int) { ++runs; });
    t.Stop();
  }
  EXPECT_EQ(runs, 2);
}

}  // namespace
}  // namespace pipeline_exporter

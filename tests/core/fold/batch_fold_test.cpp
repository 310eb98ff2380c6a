#include "exporter/core/fold/batch_fold.h"

#include <gtest/gtest.h>

#include "tests/fakes/event_builder.h"
#include "tests/fakes/fake_event_log.h"

namespace pipeline_exporter {
namespace {

TEST(BatchFoldTest, FoldsTheLatestRunPageByPage) {
  FakeEventLog log;
  log.Append(Ev(0, 3, "", "batch_start").Total(2));
  log.Append(Ev(0, 3, "stt", "stage_start").Total(2));
  log.Append(Ev(0, 3, "", "batch_complete"));
  log.Append(Ev(0, 4, "", "batch_start"));
  log.Append(Ev(0, 3, "", "batch_start").Total(25000));  // a new run of batch 3
  for (int i = 0; i < 25000; ++i) {
    log.Append(Ev(0, 3, "stt", "file_complete").File("f" + std::to_string(i)));
  }
  PipelineSpec spec;
  const RunPageReader read = [&log](const RunPage& page) { return log.ReadRun(page); };
  const PipelineState state = FoldBatchRun(spec, read, 3);
  EXPECT_GE(log.run_reads(), 3);  // 10,000 rows a page
  const auto snap = state.SnapshotOfBatch(3, 0);
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->current_batch->run_start_id, 5);
  EXPECT_EQ(snap->current_batch->files, 25000);
  EXPECT_EQ(snap->stages[0].processed, 25000);
  EXPECT_EQ(snap->batches_complete_total, 0u);  // the earlier run was not read
  EXPECT_FALSE(state.Holds(4));
  EXPECT_FALSE(FoldBatchRun(spec, read, 99).Holds(99));
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/core/exposition/retention_metrics.h"

#include <gtest/gtest.h>

#include "exporter/core/exposition/text_format.h"

namespace pipeline_exporter {
namespace {

TEST(RetentionMetricsTest, NothingWithoutRetentionThenEveryFigurePerPipeline) {
  RetentionMetrics m;
  EXPECT_TRUE(m.Collect().empty());
  m.Register("cofi");
  m.Succeeded("cofi", 2, 500, 0.25, 1'700'000'000'000);
  m.Succeeded("cofi", 1, 100, 0.5, 1'700'000'060'000);
  m.Failed("cofi", 1.5);
  std::string text;
  AppendTextFormat(m.Collect(), text);
  for (const char* line :
       {"pipeline_exporter_pruned_rows_total{pipeline=\"cofi\"} 600\n",
        "pipeline_exporter_pruned_batches_total{pipeline=\"cofi\"} 3\n",
        "pipeline_exporter_prune_runs_total{pipeline=\"cofi\",result=\"success\"} 2\n",
        "pipeline_exporter_prune_runs_total{pipeline=\"cofi\",result=\"failure\"} 1\n",
        "pipeline_exporter_prune_duration_seconds{pipeline=\"cofi\"} 1.5\n",
        "pipeline_exporter_last_prune_success_timestamp_seconds{pipeline=\"cofi\"} "
        "1700000060\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
}

}  // namespace
}  // namespace pipeline_exporter

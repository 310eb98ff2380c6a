#include "exporter/core/fold/worker_catalog.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(WorkerCatalogTest, IndexesInOrderFirstSeenThenOther) {
  WorkerCatalog c(2);
  EXPECT_EQ(c.IndexOf("10.0.0.1"), 0u);
  EXPECT_EQ(c.IndexOf("10.0.0.2"), 1u);
  EXPECT_EQ(c.IndexOf("10.0.0.1"), 0u);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.Indexes(), (std::vector<std::size_t>{0, 1}));
  // Past the cap every new name is "other" (and stays so).
  EXPECT_EQ(c.IndexOf("10.0.0.3"), c.other_index());
  EXPECT_EQ(c.IndexOf("10.0.0.4"), c.other_index());
  EXPECT_EQ(c.IndexOf("10.0.0.2"), 1u);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.Name(c.other_index()), "other");
  EXPECT_EQ(c.Name(1), "10.0.0.2");
  EXPECT_EQ(c.Indexes(), (std::vector<std::size_t>{0, 1, c.other_index()}));
}

}  // namespace
}  // namespace pipeline_exporter

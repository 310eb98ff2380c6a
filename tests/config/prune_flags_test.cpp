#include "exporter/config/prune_flags.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(PruneFlagsTest, ParsesEveryFlagInBothForms) {
  const auto r = ParsePruneFlags({"--config.file=/etc/e.yml", "--pipeline", "cofi",
                                  "--older-than=30d", "--keep-batches", "10", "--dry-run",
                                  "--batch-size=2000", "--stall-after=90m"});
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.flags.config_file, "/etc/e.yml");
  EXPECT_EQ(r.flags.pipeline, "cofi");
  EXPECT_EQ(r.flags.older_than_ms, 30LL * 24 * 3600 * 1000);
  EXPECT_EQ(r.flags.keep_batches, 10u);
  EXPECT_TRUE(r.flags.dry_run);
  EXPECT_EQ(r.flags.batch_size, 2000u);
  EXPECT_EQ(r.flags.stall_after_ms, 90LL * 60 * 1000);
  EXPECT_TRUE(ParsePruneFlags({"--help"}).flags.help);
  EXPECT_FALSE(ParsePruneFlags({}).error);
}

TEST(PruneFlagsTest, BadInputNamesTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--older-than=garbage"}, "--older-than: invalid duration \"garbage\""},
      {{"--older-than"}, "--older-than needs a value"},
      {{"--keep-batches=-1"}, "--keep-batches: must be a whole number"},
      {{"--keep-batches=ten"}, "--keep-batches: must be a whole number"},
      {{"--batch-size=0"}, "--batch-size: must be a whole number from 1"},
      {{"--batch-size=5000000"}, "--batch-size: must be a whole number from 1"},
      {{"--stall-after=-1h"}, "--stall-after: invalid duration"},
      {{"--pipeline="}, "--pipeline: must name"},
      {{"--dry-run=yes"}, "--dry-run takes no value"},
      {{"--frobnicate=1"}, "unknown flag --frobnicate"},
      {{"cofi"}, "unexpected argument \"cofi\""},
  };
  for (const auto& [args, message] : cases) {
    const auto r = ParsePruneFlags(args);
    ASSERT_TRUE(r.error) << args[0];
    EXPECT_EQ(r.error->rfind(message, 0), 0u) << *r.error;
  }
  EXPECT_NE(PruneUsage().find("Exit status"), std::string::npos);
}

}  // namespace
}  // namespace pipeline_exporter

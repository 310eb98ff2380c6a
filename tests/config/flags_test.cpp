#include "exporter/config/flags.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(FlagsTest, DefaultsMatchTheDocumentation) {
  const auto r = ParseFlags({});
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.flags.listen_address, ":5066");
  EXPECT_EQ(r.flags.telemetry_path, "/metrics");
  EXPECT_EQ(r.flags.log_level, "info");
  EXPECT_EQ(r.flags.log_format, "logfmt");
  EXPECT_FALSE(r.flags.demo);
}

TEST(FlagsTest, AcceptsBothSpellingsOfValues) {
  const auto r = ParseFlags({"--config.file=x.yml", "--web.listen-address", "127.0.0.1:0",
                             "--log.format=json", "--demo", "--demo.speed=4"});
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.flags.config_file, "x.yml");
  EXPECT_EQ(r.flags.listen_address, "127.0.0.1:0");
  EXPECT_EQ(r.flags.log_format, "json");
  EXPECT_TRUE(r.flags.demo);
  EXPECT_DOUBLE_EQ(r.flags.demo_speed, 4);
}

TEST(FlagsTest, ErrorsNameTheFlag) {
  EXPECT_EQ(*ParseFlags({"--nope"}).error, "unknown flag --nope");
  EXPECT_NE(ParseFlags({"--log.level=loud"}).error->find("--log.level"), std::string::npos);
  EXPECT_NE(ParseFlags({"--web.telemetry-path=metrics"}).error->find("must start with /"),
            std::string::npos);
  EXPECT_NE(ParseFlags({"--config.file"}).error->find("needs a value"), std::string::npos);
  EXPECT_NE(ParseFlags({"stray"}).error->find("unexpected argument"), std::string::npos);
  EXPECT_TRUE(ParseFlags({"--demo.speed=0"}).error);
}

}  // namespace
}  // namespace pipeline_exporter

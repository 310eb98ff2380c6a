#include "exporter/util/iso_time.h"

#include <gtest/gtest.h>

namespace pipeline_exporter {
namespace {

TEST(IsoTimeTest, WritesUtcWithMilliseconds) {
  EXPECT_EQ(IsoTime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(IsoTime(1764647400123), "2025-12-02T03:50:00.123Z");
  EXPECT_EQ(IsoTime(5), "1970-01-01T00:00:00.005Z");
}

TEST(IsoTimeTest, TimesBefore1970KeepAPositiveMillisecondPart) {
  EXPECT_EQ(IsoTime(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace pipeline_exporter

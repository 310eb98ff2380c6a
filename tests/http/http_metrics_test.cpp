#include "exporter/http/http_metrics.h"

#include <gtest/gtest.h>

#include "exporter/core/exposition/text_format.h"

namespace pipeline_exporter {
namespace {

TEST(HttpMetricsTest, CountsPerHandlerAndCodeAndTimesAllButStreams) {
  HttpMetrics m;
  m.Observe("batches", 200, 0.002);
  m.Observe("batches", 200, 0.2);
  m.Observe("batches", 400, 0.001);
  m.Observe("stream", 200, -1);
  std::string text;
  AppendTextFormat(m.Collect(), text);
  EXPECT_NE(
      text.find("pipeline_exporter_http_requests_total{handler=\"batches\",code=\"200\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("pipeline_exporter_http_requests_total{handler=\"stream\",code=\"200\"} 1\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("pipeline_exporter_http_request_duration_seconds_count{handler=\"batches\"} 3\n"),
      std::string::npos);
  EXPECT_NE(text.find("pipeline_exporter_http_request_duration_seconds_bucket{handler=\"batches\","
                      "le=\"0.0025\"} 2\n"),
            std::string::npos);
  EXPECT_EQ(text.find("duration_seconds_count{handler=\"stream\"}"), std::string::npos);
}

}  // namespace
}  // namespace pipeline_exporter

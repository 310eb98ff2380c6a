#include "exporter/core/exposition/text_format.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "exporter/core/exposition/metric_family_builder.h"

namespace pipeline_exporter {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

std::vector<MetricFamily> SomeFamilies() {
  std::vector<MetricFamily> f;
  f.push_back(MakeFamily("jobs_done_total", "Jobs \"done\"\\n.", MetricType::Counter));
  AddCounter(f.back(), {{"queue", "a\"b"}}, 3);
  f.push_back(MakeFamily("odd_counter", "A counter without _total.", MetricType::Counter));
  AddCounter(f.back(), {}, 2);
  f.push_back(MakeFamily("queue_age_seconds", "Age.", MetricType::Gauge));
  AddGauge(f.back(), {{"queue", "a"}}, std::numeric_limits<double>::quiet_NaN());
  HistogramData h({0.5, 1});
  h.Observe(0.2);
  h.Observe(0.7);
  f.push_back(MakeFamily("job_duration_seconds", "Duration.", MetricType::Histogram));
  AddHistogram(f.back(), {{"queue", "a"}}, h);
  f.push_back(MakeFamily("payload_bytes", "Sizes.", MetricType::Summary));
  AddSummary(f.back(), {}, 4, 1024);
  f.push_back(MakeFamily("empty_family", "No series: not written.", MetricType::Gauge));
  return f;
}

// prometheus-cpp's layout, but with NaN spelled as the format says, HELP's backslash escaped
// and families without series left out.
TEST(TextFormatTest, TextFormat004) {
  std::string out;
  AppendTextFormat(SomeFamilies(), out);
  EXPECT_EQ(out,
            "# HELP jobs_done_total Jobs \"done\"\\\\n.\n"
            "# TYPE jobs_done_total counter\n"
            "jobs_done_total{queue=\"a\\\"b\"} 3\n"
            "# HELP odd_counter A counter without _total.\n"
            "# TYPE odd_counter counter\n"
            "odd_counter 2\n"
            "# HELP queue_age_seconds Age.\n"
            "# TYPE queue_age_seconds gauge\n"
            "queue_age_seconds{queue=\"a\"} NaN\n"
            "# HELP job_duration_seconds Duration.\n"
            "# TYPE job_duration_seconds histogram\n"
            "job_duration_seconds_count{queue=\"a\"} 2\n"
            "job_duration_seconds_sum{queue=\"a\"} 0.8999999999999999\n"
            "job_duration_seconds_bucket{queue=\"a\",le=\"0.5\"} 1\n"
            "job_duration_seconds_bucket{queue=\"a\",le=\"1\"} 2\n"
            "job_duration_seconds_bucket{queue=\"a\",le=\"+Inf\"} 2\n"
            "# HELP payload_bytes Sizes.\n"
            "# TYPE payload_bytes summary\n"
            "payload_bytes_count 4\n"
            "payload_bytes_sum 1024\n");
}

TEST(TextFormatTest, OpenMetricsNamesUnitsExemplarsAndEof) {
  const Exemplar done{42, 7, 1, 1700000000.125};
  const Exemplar slow{43, 7, 0.7, 1700000001};
  std::vector<std::vector<MetricExemplars>> exemplars(4);
  exemplars[0] = {MetricExemplars{done, {}}};
  exemplars[1] = {MetricExemplars{done, {}}};  // an unknown-typed counter: dropped
  exemplars[2] = {MetricExemplars{done, {}}};  // a gauge: never written
  exemplars[3] = {MetricExemplars{std::nullopt, {std::nullopt, slow, std::nullopt}}};
  std::string out;
  AppendOpenMetrics(SomeFamilies(), exemplars, out);
  EXPECT_EQ(
      out,
      "# HELP jobs_done Jobs \\\"done\\\"\\\\n.\n"
      "# TYPE jobs_done counter\n"
      "jobs_done_total{queue=\"a\\\"b\"} 3 # {event_id=\"42\",batch_id=\"7\"} 1 "
      "1700000000.125\n"
      "# HELP odd_counter A counter without _total.\n"
      "# TYPE odd_counter unknown\n"
      "odd_counter 2\n"
      "# HELP queue_age_seconds Age.\n"
      "# TYPE queue_age_seconds gauge\n"
      "# UNIT queue_age_seconds seconds\n"
      "queue_age_seconds{queue=\"a\"} NaN\n"
      "# HELP job_duration_seconds Duration.\n"
      "# TYPE job_duration_seconds histogram\n"
      "# UNIT job_duration_seconds seconds\n"
      "job_duration_seconds_bucket{queue=\"a\",le=\"0.5\"} 1\n"
      "job_duration_seconds_bucket{queue=\"a\",le=\"1\"} 2 # {event_id=\"43\",batch_id=\"7\"} "
      "0.7 1700000001\n"
      "job_duration_seconds_bucket{queue=\"a\",le=\"+Inf\"} 2\n"
      "job_duration_seconds_count{queue=\"a\"} 2\n"
      "job_duration_seconds_sum{queue=\"a\"} 0.8999999999999999\n"
      "# HELP payload_bytes Sizes.\n"
      "# TYPE payload_bytes summary\n"
      "# UNIT payload_bytes bytes\n"
      "payload_bytes_count 4\n"
      "payload_bytes_sum 1024\n"
      "# EOF\n");
}

TEST(TextFormatTest, OpenMetricsWithoutExemplarsHasNone) {
  std::string out;
  AppendOpenMetrics(SomeFamilies(), {}, out);
  EXPECT_EQ(out.find(" # {"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 6), "# EOF\n");
}

}  // namespace
}  // namespace pipeline_exporter

#include "exporter/http/metrics_handler.h"

#include <gtest/gtest.h>

#include "exporter/core/exposition/metric_family_builder.h"
#include "exporter/http/gzip.h"

namespace pipeline_exporter {
namespace {

using prometheus::MetricType;

// One counter family with an exemplar, one gauge family from a plain collectable.
class WithExemplars final : public ExpositionSource {
 public:
  Exposition Expose() const override {
    Exposition x;
    x.families.push_back(MakeFamily("files_done_total", "Files.", MetricType::Counter));
    AddCounter(x.families.back(), {{"stage", "stt"}}, 5);
    x.exemplars.push_back({MetricExemplars{Exemplar{12, 3, 1, 1700000000.5}, {}}});
    return x;
  }
};

class Plain final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> f;
    f.push_back(MakeFamily("up_gauge", "Up.", MetricType::Gauge));
    AddGauge(f.back(), {}, 1);
    return f;
  }
};

class MetricsHandlerTest : public ::testing::Test {
 protected:
  HttpResponse Get(std::vector<std::pair<std::string, std::string>> headers) {
    HttpRequest r;
    r.method = "GET";
    r.path = "/metrics";
    for (auto& [k, v] : headers) r.headers[k] = v;
    return handler_(r);
  }

  WithExemplars exemplars_;
  Plain plain_;
  CollectableExposition plain_source_{plain_};
  MetricsHandler handler_{{&exemplars_, &plain_source_}};
};

TEST_F(MetricsHandlerTest, WithoutAcceptTheTextFormatWithoutExemplars) {
  const HttpResponse r = Get({});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body,
            "# HELP files_done_total Files.\n# TYPE files_done_total counter\n"
            "files_done_total{stage=\"stt\"} 5\n"
            "# HELP up_gauge Up.\n# TYPE up_gauge gauge\nup_gauge 1\n");
}

TEST_F(MetricsHandlerTest, PrometheusDefaultAcceptGetsOpenMetricsWithExemplars) {
  const HttpResponse r =
      Get({{"accept",
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
            "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"}});
  EXPECT_EQ(r.content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
  EXPECT_EQ(r.body,
            "# HELP files_done Files.\n# TYPE files_done counter\n"
            "files_done_total{stage=\"stt\"} 5 # {event_id=\"12\",batch_id=\"3\"} 1 1700000000.5\n"
            "# HELP up_gauge Up.\n# TYPE up_gauge gauge\nup_gauge 1\n# EOF\n");
}

TEST_F(MetricsHandlerTest, GzippedOpenMetricsVariesOnBothHeaders) {
  const HttpResponse r =
      Get({{"accept", "application/openmetrics-text"}, {"accept-encoding", "gzip"}});
  EXPECT_EQ(r.content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
  bool gzip = false, vary = false;
  for (const auto& [k, v] : r.headers) {
    if (k == "Content-Encoding") gzip = v == "gzip";
    if (k == "Vary") vary = v == "Accept, Accept-Encoding";
  }
  EXPECT_TRUE(gzip);
  EXPECT_TRUE(vary);
  EXPECT_NE(r.body, handler_.Render(MetricsFormat::kOpenMetrics));  // compressed
}

TEST(MetricsHandlerNegotiateTest, OpenMetricsOnlyWhenPreferred) {
  using F = MetricsFormat;
  EXPECT_EQ(MetricsHandler::Negotiate("application/openmetrics-text"), F::kOpenMetrics);
  EXPECT_EQ(MetricsHandler::Negotiate("Application/OpenMetrics-Text; version=1.0.0"),
            F::kOpenMetrics);
  EXPECT_EQ(MetricsHandler::Negotiate("text/plain;version=0.0.4"), F::kText004);
  EXPECT_EQ(MetricsHandler::Negotiate("*/*"), F::kText004);
  EXPECT_EQ(MetricsHandler::Negotiate("text/plain, application/openmetrics-text;q=0.5"),
            F::kText004);
  EXPECT_EQ(MetricsHandler::Negotiate("application/openmetrics-text;q=0"), F::kText004);
  EXPECT_EQ(MetricsHandler::Negotiate("application/openmetrics-text;version=2.0.0"), F::kText004);
  EXPECT_EQ(MetricsHandler::Negotiate(""), F::kText004);
}

TEST_F(MetricsHandlerTest, OtherMethodsAreRefused) {
  HttpRequest r;
  r.method = "POST";
  EXPECT_EQ(handler_(r).status, 405);
}

}  // namespace
}  // namespace pipeline_exporter

#pragma once
// Small helpers for building prometheus::MetricFamily values by hand, shared by the
// collectors. Pure; thread-safe.

#include <prometheus/metric_family.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "exporter/core/fold/histogram_data.h"

namespace pipeline_exporter {

// Label values are views: the strings they point to must live until the call returns.
using LabelPairs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// `expected` series are reserved up front: ClientMetric is large, and regrowth moves them all.
prometheus::MetricFamily MakeFamily(std::string name, std::string help, prometheus::MetricType type,
                                    std::size_t expected = 0);

void AddGauge(prometheus::MetricFamily& family, LabelPairs labels, double value);
void AddCounter(prometheus::MetricFamily& family, LabelPairs labels, double value);
void AddHistogram(prometheus::MetricFamily& family, LabelPairs labels, const HistogramData& h);
// A summary of its count and sum only (no quantiles).
void AddSummary(prometheus::MetricFamily& family, LabelPairs labels, std::uint64_t count,
                double sum);

}  // namespace pipeline_exporter

#include "exporter/core/exposition/metric_family_builder.h"

#include <limits>

namespace pipeline_exporter {
namespace {

prometheus::ClientMetric& AddMetric(prometheus::MetricFamily& family, LabelPairs labels) {
  auto& m = family.metric.emplace_back();
  m.label.resize(labels.size());
  // Assigned in place: a braced temporary Label would be built and then moved, twice the work.
  auto out = m.label.begin();
  for (const auto& [name, value] : labels) {
    out->name.assign(name);
    out->value.assign(value);
    ++out;
  }
  return m;
}

}  // namespace

prometheus::MetricFamily MakeFamily(std::string name, std::string help, prometheus::MetricType type,
                                    std::size_t expected) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  f.metric.reserve(expected);
  return f;
}

void AddGauge(prometheus::MetricFamily& family, LabelPairs labels, double value) {
  AddMetric(family, labels).gauge.value = value;
}

void AddCounter(prometheus::MetricFamily& family, LabelPairs labels, double value) {
  AddMetric(family, labels).counter.value = value;
}

void AddHistogram(prometheus::MetricFamily& family, LabelPairs labels, const HistogramData& h) {
  auto& m = AddMetric(family, labels);
  m.histogram.sample_count = h.count;
  m.histogram.sample_sum = h.sum;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    const double bound =
        i < h.bounds.size() ? h.bounds[i] : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back({cumulative, bound});
  }
}

void AddSummary(prometheus::MetricFamily& family, LabelPairs labels, std::uint64_t count,
                double sum) {
  auto& m = AddMetric(family, labels);
  m.summary.sample_count = count;
  m.summary.sample_sum = sum;
}

}  // namespace pipeline_exporter

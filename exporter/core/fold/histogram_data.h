#pragma once
// A cumulative Prometheus-style histogram as plain data: fixed upper bounds plus the
// implicit +Inf bucket. Copyable value; not thread-safe.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pipeline_exporter {

struct HistogramData {
  HistogramData() = default;
  explicit HistogramData(std::vector<double> upper_bounds)
      : bounds(std::move(upper_bounds)), counts(bounds.size() + 1, 0) {}

  void Observe(double value);
  // The index in `counts` of the bucket `value` falls in.
  std::size_t BucketOf(double value) const;

  std::vector<double> bounds;         // ascending, finite
  std::vector<std::uint64_t> counts;  // per bucket, not cumulative; last is +Inf
  double sum = 0;
  std::uint64_t count = 0;
};

}  // namespace pipeline_exporter

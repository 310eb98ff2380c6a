#include "exporter/core/fold/histogram_data.h"

#include <algorithm>

namespace pipeline_exporter {

std::size_t HistogramData::BucketOf(double value) const {
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), value);
  return static_cast<std::size_t>(it - bounds.begin());
}

void HistogramData::Observe(double value) {
  ++counts[BucketOf(value)];
  sum += value;
  ++count;
}

}  // namespace pipeline_exporter

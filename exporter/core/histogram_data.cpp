#include "exporter/core/histogram_data.h"

#include <algorithm>

namespace pipeline_exporter {

void HistogramData::Observe(double value) {
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), value);
  ++counts[static_cast<std::size_t>(it - bounds.begin())];
  sum += value;
  ++count;
}

}  // namespace pipeline_exporter

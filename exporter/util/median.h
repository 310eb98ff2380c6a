#pragma once
// The median of a list of numbers (the mean of the middle two for an even count); NaN for an
// empty list. Takes the list by value (it is sorted). Pure; thread-safe.

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace pipeline_exporter {

template <typename T>
double Median(std::vector<T> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 == 1 ? static_cast<double>(v[mid])
                           : (static_cast<double>(v[mid - 1]) + static_cast<double>(v[mid])) / 2.0;
}

}  // namespace pipeline_exporter

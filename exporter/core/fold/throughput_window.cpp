#include "exporter/core/fold/throughput_window.h"

#include <algorithm>

namespace pipeline_exporter {

void ThroughputWindow::Record(std::int64_t ts_ms, std::int64_t done) {
  if (size() > 1 && samples_.back().ts_ms / 1000 == ts_ms / 1000) {
    samples_.back() = Sample{std::max(ts_ms, samples_.back().ts_ms), done};
  } else {
    samples_.push_back(Sample{ts_ms, done});
  }
  // Keep one sample at or before the window's start: it is the baseline the rate is
  // measured from.
  const std::int64_t start = samples_.back().ts_ms - window_ms_;
  while (size() > 2 && at(1).ts_ms <= start) ++head_;
  if (head_ >= 32 && head_ * 2 >= samples_.size()) {
    samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

std::optional<double> ThroughputWindow::PerSecond(std::int64_t now_ms) const {
  if (size() == 0) return std::nullopt;
  const std::int64_t start = now_ms - window_ms_;
  const Sample& latest = samples_.back();
  if (latest.ts_ms <= start) return 0.0;
  const Sample* base = &at(0);
  for (std::size_t i = 0; i < size(); ++i) {
    if (at(i).ts_ms > start) break;
    base = &at(i);
  }
  const std::int64_t base_ts = std::max(base->ts_ms, start);
  const std::int64_t elapsed_ms = std::max(now_ms, latest.ts_ms) - base_ts;
  if (elapsed_ms <= 0) return std::nullopt;
  return static_cast<double>(latest.done - base->done) * 1000.0 / static_cast<double>(elapsed_ms);
}

}  // namespace pipeline_exporter

#pragma once
// The standard process_* metrics (CPU seconds, resident and virtual memory, start time,
// open and maximum file descriptors), read from /proc/self on every Collect().
// Thread-safe (stateless but for constants read at construction).

#include <prometheus/collectable.h>

#include <string>
#include <vector>

namespace pipeline_exporter {

class ProcessCollector final : public prometheus::Collectable {
 public:
  // `proc_root` is "/proc" but for tests.
  explicit ProcessCollector(std::string proc_root = "/proc");
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::string proc_root_;
  double boot_time_seconds_ = 0;
  long ticks_per_second_;
  long page_size_;
};

}  // namespace pipeline_exporter

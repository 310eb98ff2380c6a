#pragma once
// pipeline_exporter_sse_clients: the number of open event streams, kept by the stream
// handler through Add(). Thread-safe (atomic).

#include <prometheus/collectable.h>

#include <atomic>
#include <cstdint>
#include <vector>

namespace pipeline_exporter {

class SseClientsCollector final : public prometheus::Collectable {
 public:
  void Add(std::int64_t delta) { clients_ += delta; }
  std::int64_t clients() const { return clients_.load(); }
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::atomic<std::int64_t> clients_{0};
};

}  // namespace pipeline_exporter

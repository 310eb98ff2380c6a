#pragma once
// pipeline_exporter_control_actions_total{pipeline, action, actor}: the actions that changed
// something (pause, resume, cancel, silence), by who took them. Actors are web-config users and
// token names, a configured set, but the label is capped all the same as the workers' is: past
// kMaxActors names every further one counts as actor="other". Thread-safe (one mutex); a
// Collectable.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "exporter/core/fold/worker_catalog.h"

namespace pipeline_exporter {

class ActionCounts final : public prometheus::Collectable {
 public:
  static constexpr std::size_t kMaxActors = 32;

  void Add(const std::string& pipeline, const std::string& action, const std::string& actor);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  mutable std::mutex mu_;
  WorkerCatalog actors_{kMaxActors};  // the same capped name → index map as the workers'
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> counts_;
};

}  // namespace pipeline_exporter

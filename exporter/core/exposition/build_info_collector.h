#pragma once
// pipeline_exporter_build_info: one constant series naming the version and revision.
// Thread-safe (immutable after construction).

#include <prometheus/collectable.h>

#include <string>
#include <vector>

namespace pipeline_exporter {

class BuildInfoCollector final : public prometheus::Collectable {
 public:
  BuildInfoCollector(std::string version, std::string revision)
      : version_(std::move(version)), revision_(std::move(revision)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::string version_;
  std::string revision_;
};

}  // namespace pipeline_exporter

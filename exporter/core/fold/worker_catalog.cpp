#include "exporter/core/fold/worker_catalog.h"

namespace pipeline_exporter {

std::size_t WorkerCatalog::IndexOf(const std::string& name) {
  const auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  if (names_.size() >= max_workers_) {
    other_used_ = true;
    return other_index();
  }
  names_.push_back(name);
  index_.emplace(name, names_.size() - 1);
  return names_.size() - 1;
}

const std::string& WorkerCatalog::Name(std::size_t index) const {
  return index < names_.size() ? names_[index] : other_;
}

std::vector<std::size_t> WorkerCatalog::Indexes() const {
  std::vector<std::size_t> out;
  out.reserve(size());
  for (std::size_t i = 0; i < names_.size(); ++i) out.push_back(i);
  if (other_used_) out.push_back(other_index());
  return out;
}

}  // namespace pipeline_exporter

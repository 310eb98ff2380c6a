#include "exporter/core/fold/stage_catalog.h"

namespace pipeline_exporter {

StageCatalog::StageCatalog(std::vector<StageSpec> configured, std::size_t max_stages)
    : max_stages_(max_stages) {
  for (auto& spec : configured) {
    if (spec.title.empty()) spec.title = spec.id;
    if (index_.emplace(spec.id, stages_.size()).second) stages_.push_back(std::move(spec));
  }
}

std::optional<std::size_t> StageCatalog::FindOrAdd(std::string_view id) {
  if (auto it = index_.find(id); it != index_.end()) return it->second;
  if (stages_.size() >= max_stages_) return std::nullopt;
  index_.emplace(std::string(id), stages_.size());
  stages_.push_back(StageSpec{std::string(id), std::string(id)});
  return stages_.size() - 1;
}

}  // namespace pipeline_exporter

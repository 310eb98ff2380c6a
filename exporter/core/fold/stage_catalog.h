#pragma once
// The stages of one pipeline in display order: the configured ones first, then any seen in
// events, up to a limit (SPEC §3). Indexes never change once given out.
// Not thread-safe; owned by its PipelineState.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "exporter/core/fold/pipeline_spec.h"

namespace pipeline_exporter {

class StageCatalog {
 public:
  StageCatalog(std::vector<StageSpec> configured, std::size_t max_stages);

  // The stage's index, adding it when new; nullopt when the catalog is full.
  std::optional<std::size_t> FindOrAdd(std::string_view id);

  const std::vector<StageSpec>& stages() const { return stages_; }
  std::size_t size() const { return stages_.size(); }

 private:
  std::vector<StageSpec> stages_;
  // Looked up by string_view without building a std::string per event.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> index_;
  std::size_t max_stages_;
};

}  // namespace pipeline_exporter

#pragma once
// The workers (gpuIp values) of one pipeline, each given a small index in the order first seen,
// at most `max_workers` of them (SPEC §3): past the cap every further name maps to the one
// `other` index, so the `worker` label's cardinality is bounded whatever the pipelines write.
// Not thread-safe; owned by its PipelineState.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace pipeline_exporter {

class WorkerCatalog {
 public:
  static constexpr const char* kOtherName = "other";

  explicit WorkerCatalog(std::size_t max_workers) : max_workers_(max_workers) {}

  // The index of `name` (added when new and the cap allows), or other_index() past the cap.
  std::size_t IndexOf(const std::string& name);

  // Named workers, then `other` once anything was folded into it.
  std::size_t size() const { return names_.size() + (other_used_ ? 1 : 0); }
  std::size_t other_index() const { return max_workers_; }
  // The label value of an index: a worker's name, or "other".
  const std::string& Name(std::size_t index) const;
  // Indexes in label order (named ones as first seen, then `other`).
  std::vector<std::size_t> Indexes() const;

 private:
  std::size_t max_workers_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t> index_;
  bool other_used_ = false;
  std::string other_ = kOtherName;
};

}  // namespace pipeline_exporter

#pragma once
// `pipeline_exporter prune` flags: --config.file, --pipeline, --older-than, --keep-batches,
// --dry-run, --batch-size, --stall-after, --help; each as --flag=value or --flag value.
// Without --older-than and --keep-batches, the configuration's `retention` says what stays.
// Pure; thread-safe.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pipeline_exporter {

struct PruneFlags {
  std::string config_file;
  std::string pipeline;  // empty: every configured pipeline
  std::optional<std::int64_t> older_than_ms;
  std::optional<std::size_t> keep_batches;
  std::optional<std::size_t> batch_size;
  std::optional<std::int64_t> stall_after_ms;
  bool dry_run = false;
  bool help = false;
};

struct PruneFlagsResult {
  PruneFlags flags;
  std::optional<std::string> error;  // the flag and what is wrong with it
};

// `args` without the program name and the word "prune".
PruneFlagsResult ParsePruneFlags(const std::vector<std::string>& args);

std::string PruneUsage();

}  // namespace pipeline_exporter

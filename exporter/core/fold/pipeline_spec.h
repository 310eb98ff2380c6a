#pragma once
// What the core needs to know about one configured pipeline (the core's view of the
// `pipelines:` entry of the config, without any I/O settings). Plain value struct.

#include <cstdint>
#include <string>
#include <vector>

namespace pipeline_exporter {

struct StageSpec {
  std::string id;     // the value of the `stage` column and of the pipeline_stage label
  std::string title;  // for people; defaults to the id
};

inline std::vector<double> DefaultHistogramBuckets() {
  return {0.1, 0.5, 1, 2, 5, 10, 30, 60, 300};
}

struct PipelineSpec {
  std::string name = "default";
  std::vector<StageSpec> stages;  // configured order
  std::size_t max_stages = 64;
  std::size_t baseline_batches = 10;
  std::int64_t eta_window_ms = 5 * 60 * 1000;
  std::size_t max_batches_kept = 500;  // older batches are forgotten (still in the database)
  std::size_t max_workers = 64;        // gpuIp values with their own series; more → "other"
  std::size_t max_substages = 32;      // per stage; more are rejected (too_many_substages)
  std::vector<double> histogram_buckets = DefaultHistogramBuckets();
  // Longest a batch may run, from its start (`deadline`); 0: none. Exported as
  // pipeline_batch_deadline_seconds for the PipelineBatchOverDeadline alert.
  std::int64_t batch_deadline_ms = 0;
};

}  // namespace pipeline_exporter

#pragma once
// Terse construction of StageEvents for tests: Ev(7, 1, "stt", "file_complete").File("a.wav").

#include <cstdint>
#include <string>

#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

struct Ev {
  Ev(std::int64_t id, std::int64_t batch, std::string stage, std::string type,
     std::int64_t ts_ms = 1'700'000'000'000) {
    e.id = id;
    e.batch_id = batch;
    e.stage = std::move(stage);
    e.event_type = std::move(type);
    e.timestamp_ms = ts_ms;
  }
  Ev& File(std::string name) {
    e.file_name = std::move(name);
    return *this;
  }
  Ev& Total(std::int64_t n) {
    e.total_files = n;
    return *this;
  }
  Ev& Processed(std::int64_t n) {
    e.processed_files = n;
    return *this;
  }
  Ev& Failed(std::int64_t n) {
    e.failed_files = n;
    return *this;
  }
  Ev& Duration(std::int64_t ms) {
    e.duration_ms = ms;
    return *this;
  }
  Ev& Gpu(std::string worker) {
    e.gpu_ip = std::move(worker);
    return *this;
  }
  Ev& Sub(std::string sub_stage) {
    e.sub_stage = std::move(sub_stage);
    return *this;
  }
  Ev& Meta(std::string json) {
    e.batch_metadata = std::move(json);
    return *this;
  }
  Ev& At(std::int64_t ts) {
    e.timestamp_ms = ts;
    return *this;
  }
  operator StageEvent() const { return e; }  // NOLINT: implicit by design
  StageEvent e;
};

}  // namespace pipeline_exporter

#pragma once
// One pipeline as the HTTP handlers see it, without a database: a PipelineStore fed from a
// FakeEventLog (which also answers every row seam), a FakeClock, and the registry. Tests
// append rows, Fold() them into the store as the tail would, and call a handler.
// Not thread-safe.

#include <nlohmann/json.hpp>
#include <string>

#include "exporter/core/fold/pipeline_store.h"
#include "exporter/http/pipeline_registry.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_event_log.h"

namespace pipeline_exporter {

// The pipeline as the API sees it, every row seam answered by `log`.
inline ApiPipeline PipelineOver(PipelineStore& store, FakeEventLog& log) {
  ApiPipeline p;
  p.store = &store;
  p.runs = &log;
  p.lookup = &log;
  p.search = &log;
  p.after = &log;
  p.run_starts = &log;
  return p;
}

class ApiFixture {
 public:
  explicit ApiFixture(std::size_t max_batches_kept = 500, bool ingest = false, bool control = false)
      : store_(Spec(max_batches_kept), clock_), registry_({Pipeline(ingest, control)}) {}

  static PipelineSpec Spec(std::size_t max_batches_kept) {
    PipelineSpec s;
    s.name = "p";
    s.stages = {{"denoise", "Denoise"}, {"stt", "Speech to text"}};
    s.max_batches_kept = max_batches_kept;
    return s;
  }
  // Rows appended to the log and, with Fold(), applied to the store.
  void Add(StageEvent e) { log_.Append(std::move(e)); }
  void Fold() {
    const std::vector<StageEvent> rows = log_.ReadAfter(applied_, 1'000'000);
    store_.Apply(rows);
    if (!rows.empty()) applied_ = rows.back().id;
  }

  static HttpRequest Request(const std::string& method, const std::string& path,
                             const std::string& query = "", const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.query = query;
    r.body = body;
    return r;
  }
  static nlohmann::json Json(const HttpResponse& r) { return nlohmann::json::parse(r.body); }

  FakeClock& clock() { return clock_; }
  FakeEventLog& log() { return log_; }
  PipelineStore& store() { return store_; }
  const PipelineRegistry& registry() const { return registry_; }
  const ApiPipeline& pipeline() const { return registry_.all().front(); }
  int nudges() const { return nudges_; }

 private:
  ApiPipeline Pipeline(bool ingest, bool control) {
    ApiPipeline p = PipelineOver(store_, log_);
    if (ingest) p.appender = &log_;
    if (control) p.control = &log_;
    p.nudge = [this] { ++nudges_; };
    return p;
  }

  FakeClock clock_{1'700'000'100'000};
  FakeEventLog log_;
  PipelineStore store_;
  PipelineRegistry registry_;
  std::int64_t applied_ = 0;
  int nudges_ = 0;
};

}  // namespace pipeline_exporter

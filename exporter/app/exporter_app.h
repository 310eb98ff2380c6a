#pragma once
// Wires one running exporter: a PipelineStore, SOCI source and Tailer per configured
// pipeline, the collectors, the HTTP server with its routes, and the demo simulator when
// asked. Owns all of them (non-copyable). Start/Stop from one controlling thread.

#include <memory>
#include <string>
#include <vector>

#include "exporter/config/config.h"
#include "exporter/config/flags.h"
#include "exporter/util/clock.h"

namespace pipeline_exporter {

std::string VersionString();  // "pipeline_exporter, version X (revision Y)"

class ExporterApp {
 public:
  ExporterApp(Config config, Flags flags, const Clock& clock);
  ~ExporterApp();
  ExporterApp(const ExporterApp&) = delete;
  ExporterApp& operator=(const ExporterApp&) = delete;

  // Throws std::exception with a one-line message (port in use, database bootstrap failed).
  void Start();
  void Stop();  // idempotent

  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pipeline_exporter

#include "exporter/app/prune_command.h"

#include <chrono>
#include <cstdio>

#include "exporter/config/config_loader.h"
#include "exporter/source/database.h"
#include "exporter/source/soci_pruner.h"
#include "exporter/util/logfmt.h"

namespace pipeline_exporter {
namespace {

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

int RunPrune(const PruneFlags& flags, const Config& config, const Clock& clock, std::ostream& out,
             std::ostream& err, const std::atomic<bool>& stop) {
  std::vector<const PipelineConfig*> pipelines;
  for (const PipelineConfig& p : config.pipelines) {
    if (flags.pipeline.empty() || p.spec.name == flags.pipeline) pipelines.push_back(&p);
  }
  if (pipelines.empty()) {
    err << "pipeline_exporter prune: --pipeline: \"" << flags.pipeline
        << "\" is not a configured pipeline\n";
    return 2;
  }
  PruneOptions options;
  const bool from_flags = flags.older_than_ms || flags.keep_batches;
  if (from_flags) {
    options.policy.older_than_ms = flags.older_than_ms;
    options.policy.keep_batches = flags.keep_batches.value_or(0);
  } else if (config.retention.enabled) {
    options.policy.older_than_ms = config.retention.older_than_ms;
    options.policy.keep_batches = config.retention.keep_batches;
  } else {
    err << "pipeline_exporter prune: say what stays: --older-than and/or --keep-batches (or "
           "retention: in the configuration)\n";
    return 2;
  }
  options.policy.stall_after_ms = flags.stall_after_ms.value_or(config.retention.stall_after_ms);
  options.batch_size = flags.batch_size.value_or(config.retention.batch_size);
  options.dry_run = flags.dry_run;

  int status = 0;
  std::size_t batches = 0;
  std::int64_t rows = 0;
  const auto began = std::chrono::steady_clock::now();
  for (const PipelineConfig* p : pipelines) {
    const auto start = std::chrono::steady_clock::now();
    const std::string name = LogfmtQuote(p->spec.name);
    PruneResult r;
    try {
      Database db(p->database, p->table, clock);
      SociPruner pruner(db, p->control_table);
      r = pruner.Prune(options, [&stop] { return stop.load(); });
    } catch (const std::exception& e) {
      err << "prune pipeline=" << name << " error=" << LogfmtQuote(e.what())
          << " msg=\"nothing more was deleted; the next run goes on\"\n";
      status = 1;
      continue;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::size_t n = options.dry_run ? r.plan.prune.size() : r.batches_deleted;
    const std::int64_t m = options.dry_run ? r.plan.rows : r.rows_deleted;
    batches += n;
    rows += m;
    out << "prune pipeline=" << name << " dry_run=" << (options.dry_run ? "true" : "false")
        << " batches=" << n << " rows=" << m << " kept_recent=" << r.plan.kept_recent
        << " kept_running=" << r.plan.kept_running << " kept_paused=" << r.plan.kept_paused
        << " kept_young=" << r.plan.kept_young << " pages_freed=" << r.pages_freed
        << " seconds=" << Seconds(seconds);
    if (options.dry_run && !r.plan.prune.empty()) {
      out << " batch_ids=\"" << r.plan.prune.front().batch_id;
      if (r.plan.prune.size() > 1) out << ".." << r.plan.prune.back().batch_id;
      out << "\"";
    }
    out << "\n";
    if (r.stopped) {
      err << "prune pipeline=" << name << " msg=\"stopped by a signal\"\n";
      status = 1;
      break;
    }
  }
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  out << "prune: " << (options.dry_run ? "would delete " : "deleted ") << batches << " batches, "
      << rows << " rows from " << pipelines.size() << " pipeline(s) in " << Seconds(total) << " s"
      << (status ? " (with failures)" : "") << "\n";
  return status;
}

int RunPruneCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const std::atomic<bool>& stop) {
  const PruneFlagsResult parsed = ParsePruneFlags(args);
  if (parsed.error) {
    err << "pipeline_exporter prune: " << *parsed.error << "\n" << PruneUsage();
    return 2;
  }
  if (parsed.flags.help) {
    out << PruneUsage();
    return 0;
  }
  Config config;
  try {
    config = parsed.flags.config_file.empty() ? DefaultConfig()
                                              : LoadConfigFile(parsed.flags.config_file);
  } catch (const ConfigError& e) {
    err << "pipeline_exporter prune: bad configuration: " << e.what() << "\n";
    return 2;
  }
  SystemClock clock;
  return RunPrune(parsed.flags, config, clock, out, err, stop);
}

}  // namespace pipeline_exporter

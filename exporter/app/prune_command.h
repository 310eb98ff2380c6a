#pragma once
// `pipeline_exporter prune`: loads the configuration, prunes each pipeline (or the one named)
// through its own Database with SociPruner, and prints one line per pipeline and a summary a
// cron job can log. Exit status: 0 done, 1 a database failed, 2 bad flags or configuration.
// Stops between transactions when `stop` says so (SIGINT, SIGTERM). Not thread-safe (one
// command per process).

#include <atomic>
#include <ostream>
#include <string>
#include <vector>

#include "exporter/config/config.h"
#include "exporter/config/prune_flags.h"
#include "exporter/util/clock.h"

namespace pipeline_exporter {

// `args` after the word "prune".
int RunPruneCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const std::atomic<bool>& stop);

// The same with flags and configuration already read (for tests).
int RunPrune(const PruneFlags& flags, const Config& config, const Clock& clock, std::ostream& out,
             std::ostream& err, const std::atomic<bool>& stop);

}  // namespace pipeline_exporter

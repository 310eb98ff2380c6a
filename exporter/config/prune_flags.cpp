#include "exporter/config/prune_flags.h"

#include <charconv>

#include "exporter/config/duration.h"

namespace pipeline_exporter {
namespace {

std::optional<std::size_t> Count(const std::string& s, std::size_t min, std::size_t max) {
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min || v > max) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

PruneFlagsResult ParsePruneFlags(const std::vector<std::string>& args) {
  PruneFlagsResult r;
  PruneFlags& f = r.flags;
  auto fail = [&r](const std::string& what) {
    r.error = what;
    return r;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "--dry-run" || name == "--help" || name == "-h") {
      if (value) return fail(name + " takes no value");
      (name == "--dry-run" ? f.dry_run : f.help) = true;
      continue;
    }
    if (name.rfind("--", 0) != 0) return fail("unexpected argument \"" + args[i] + "\"");
    if (!value) {
      if (i + 1 >= args.size()) return fail(name + " needs a value");
      value = args[++i];
    }
    const std::string& v = *value;
    if (name == "--config.file") {
      f.config_file = v;
    } else if (name == "--pipeline") {
      if (v.empty()) return fail("--pipeline: must name a configured pipeline");
      f.pipeline = v;
    } else if (name == "--older-than" || name == "--stall-after") {
      const auto ms = ParseDuration(v);
      if (!ms || *ms < 0) {
        return fail(name + ": invalid duration \"" + v + "\" (examples: 30d, 12h, 90m)");
      }
      (name == "--older-than" ? f.older_than_ms : f.stall_after_ms) = *ms;
    } else if (name == "--keep-batches") {
      const auto n = Count(v, 0, 1000000);
      if (!n)
        return fail("--keep-batches: must be a whole number from 0 to 1000000, got \"" + v + "\"");
      f.keep_batches = *n;
    } else if (name == "--batch-size") {
      const auto n = Count(v, 1, 1000000);
      if (!n)
        return fail("--batch-size: must be a whole number from 1 to 1000000, got \"" + v + "\"");
      f.batch_size = *n;
    } else {
      return fail("unknown flag " + name);
    }
  }
  return r;
}

std::string PruneUsage() {
  return "usage: pipeline_exporter prune [--config.file=FILE] [--pipeline=NAME]\n"
         "                              [--older-than=30d] [--keep-batches=N] [--dry-run]\n"
         "                              [--batch-size=5000] [--stall-after=1h]\n"
         "\n"
         "Deletes whole batches from the event table (and their control requests):\n"
         "  --older-than=D     batches whose newest row is older than D (30d, 12h, 90m)\n"
         "  --keep-batches=N   the newest N batches of each pipeline always stay\n"
         "  --dry-run          print what would be deleted, per pipeline, and delete nothing\n"
         "  --batch-size=N     rows per transaction (default 5000): a writer waits on one at most\n"
         "  --stall-after=D    a batch with no outcome and a row younger than D is running and\n"
         "                     stays (default 1h); a paused batch always stays\n"
         "  --pipeline=NAME    only this pipeline (default: every configured one)\n"
         "Without --older-than and --keep-batches, the configuration's retention: section\n"
         "decides. One line per pipeline and a summary go to stdout.\n"
         "Exit status: 0 done (also when nothing was due), 1 a database failed (what was deleted\n"
         "before stays deleted; the next run finishes), 2 bad flags or configuration.\n";
}

}  // namespace pipeline_exporter

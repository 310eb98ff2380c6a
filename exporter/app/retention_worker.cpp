#include "exporter/app/retention_worker.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "exporter/util/logfmt.h"

namespace pipeline_exporter {

RetentionWorker::RetentionWorker(std::vector<Target> targets, PruneOptions options,
                                 std::int64_t interval_ms, std::int64_t first_delay_ms,
                                 RetentionMetrics& metrics, const Clock& clock)
    : targets_(std::move(targets)),
      options_(std::move(options)),
      interval_ms_(interval_ms),
      first_delay_ms_(first_delay_ms),
      metrics_(metrics),
      clock_(clock) {
  for (const Target& t : targets_) metrics_.Register(t.pipeline);
}

void RetentionWorker::RunOnce(const std::function<bool()>& stop) {
  for (const Target& t : targets_) {
    if (stop()) return;
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&start] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    try {
      const PruneResult r = t.pruner->Prune(options_, stop);
      metrics_.Succeeded(t.pipeline, static_cast<std::int64_t>(r.batches_deleted), r.rows_deleted,
                         seconds(), clock_.Now());
      if (r.rows_deleted > 0) {
        spdlog::info(
            "pipeline={} msg=\"pruned\" batches={} rows={} pages_freed={} kept_running={} "
            "kept_paused={} seconds={:.3f}",
            LogfmtQuote(t.pipeline), r.batches_deleted, r.rows_deleted, r.pages_freed,
            r.plan.kept_running, r.plan.kept_paused, seconds());
      }
    } catch (const std::exception& e) {
      metrics_.Failed(t.pipeline, seconds());
      spdlog::error(
          "pipeline={} msg=\"prune failed; retention tries again at the next round\" "
          "error={}",
          LogfmtQuote(t.pipeline), LogfmtQuote(e.what()));
    }
  }
}

void RetentionWorker::Start() {
  thread_.Start([this](int stop_fd) {
    auto stopped = [stop_fd] {
      pollfd p{stop_fd, POLLIN, 0};
      return poll(&p, 1, 0) > 0;
    };
    std::int64_t wait_ms = first_delay_ms_;
    for (;;) {
      pollfd p{stop_fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::min<std::int64_t>(wait_ms, 1LL << 30))) != 0) return;
      RunOnce(stopped);
      wait_ms = interval_ms_;
    }
  });
}

}  // namespace pipeline_exporter

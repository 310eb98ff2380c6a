#pragma once
// EventSource and ReplayLocator over SOCI, for SQLite, MySQL/MariaDB and PostgreSQL, on the
// tail's own session of the pipeline's Database (reconnects and backoff are the Database's).
// The tail query selects EventColumns(kList) — no payload column but batch_start's capped
// metadata — and maps rows with MapEventRow; it is prepared once per session.
// Not thread-safe (the Tailer's thread only); borrows the Database; non-copyable.

#include "exporter/source/database.h"
#include "exporter/source/event_source.h"
#include "exporter/source/replay_locator.h"

namespace pipeline_exporter {

class SociEventSource final : public EventSource, public ReplayLocator {
 public:
  explicit SociEventSource(Database& db);
  ~SociEventSource() override;
  SociEventSource(const SociEventSource&) = delete;
  SociEventSource& operator=(const SociEventSource&) = delete;

  void FetchInto(std::int64_t after_id, const std::vector<std::int64_t>& also_ids,
                 std::size_t limit, FetchResult& out) override;
  // The id before the first row inside the window: the replay reads from there, and the
  // late join completes every batch it meets from the start of its latest run (SPEC §3).
  std::int64_t StartAfterId(std::int64_t cutoff_ms) override;

 private:
  Database& db_;
  std::string now_sql_;
};

}  // namespace pipeline_exporter

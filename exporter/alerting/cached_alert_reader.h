#pragma once
// An AlertReader in front of another that answers from what it read less than `ttl_ms` ago,
// so however many pages are open, Alertmanager is asked about a pipeline at most once per
// `ttl_ms` (failures included: a down Alertmanager is not hammered). One read at a time goes
// to the inner reader; requests arriving meanwhile wait for it and share its answer.
// Invalidate() makes the next read go through (after a silence is created). Thread-safe;
// borrows the inner reader and the clock.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "exporter/core/ports/alert_reader.h"
#include "exporter/util/clock.h"

namespace pipeline_exporter {

class CachedAlertReader final : public AlertReader {
 public:
  CachedAlertReader(AlertReader& inner, const Clock& clock, std::int64_t ttl_ms = 5000)
      : inner_(inner), clock_(clock), ttl_ms_(ttl_ms) {}

  AlertList ReadAlerts(const std::string& pipeline) override;
  void Invalidate(const std::string& pipeline);

 private:
  struct Entry {
    AlertList list;
    std::int64_t read_at_ms = 0;
    bool valid = false;
    std::uint64_t generation = 0;  // bumped by Invalidate: a read begun before it is not kept
  };
  // The entry when it is fresh; nullptr otherwise. Needs mu_.
  const Entry* FreshLocked(const std::string& pipeline) const;

  AlertReader& inner_;
  const Clock& clock_;
  const std::int64_t ttl_ms_;
  std::mutex read_mu_;  // held while the inner reader is asked (one read at a time)
  std::mutex mu_;       // guards entries_
  std::map<std::string, Entry> entries_;
};

}  // namespace pipeline_exporter

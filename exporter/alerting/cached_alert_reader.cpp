#include "exporter/alerting/cached_alert_reader.h"

namespace pipeline_exporter {

const CachedAlertReader::Entry* CachedAlertReader::FreshLocked(const std::string& pipeline) const {
  const auto it = entries_.find(pipeline);
  if (it == entries_.end() || !it->second.valid) return nullptr;
  const std::int64_t age = clock_.Now() - it->second.read_at_ms;
  return age >= 0 && age < ttl_ms_ ? &it->second : nullptr;
}

AlertList CachedAlertReader::ReadAlerts(const std::string& pipeline) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (const Entry* e = FreshLocked(pipeline)) return e->list;
  }
  std::lock_guard<std::mutex> reading(read_mu_);
  std::uint64_t generation = 0;
  {
    // Another request may have read it while this one waited.
    std::lock_guard<std::mutex> lock(mu_);
    if (const Entry* e = FreshLocked(pipeline)) return e->list;
    generation = entries_[pipeline].generation;
  }
  AlertList list = inner_.ReadAlerts(pipeline);
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = entries_[pipeline];
  if (e.generation != generation) return list;  // invalidated meanwhile: not kept
  e.list = list;
  e.read_at_ms = clock_.Now();
  e.valid = true;
  return list;
}

void CachedAlertReader::Invalidate(const std::string& pipeline) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = entries_.find(pipeline);
  if (it == entries_.end()) return;
  it->second.valid = false;
  ++it->second.generation;
}

}  // namespace pipeline_exporter

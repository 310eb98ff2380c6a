#include "exporter/core/fold/id_tracker.h"

namespace pipeline_exporter {

void IdTracker::Reset(std::int64_t after_id) {
  max_seen_ = after_id;
  gaps_.clear();
}

bool IdTracker::Accept(std::int64_t id, std::int64_t now_ms) {
  if (id > max_seen_) {
    if (id - max_seen_ - 1 <= max_gap_span_) {
      for (std::int64_t missing = max_seen_ + 1; missing < id; ++missing) {
        gaps_.emplace(missing, now_ms);
      }
      while (gaps_.size() > max_open_gaps_) {
        gaps_.erase(gaps_.begin());
        ++overflowed_;
      }
    }
    max_seen_ = id;
    return true;
  }
  return gaps_.erase(id) == 1;
}

std::uint64_t IdTracker::Expire(std::int64_t now_ms) {
  std::uint64_t expired = 0;
  for (auto it = gaps_.begin(); it != gaps_.end();) {
    if (now_ms - it->second >= grace_ms_) {
      it = gaps_.erase(it);
      ++expired;
    } else {
      ++it;
    }
  }
  return expired;
}

std::vector<std::int64_t> IdTracker::OpenGaps(std::size_t limit) const {
  std::vector<std::int64_t> out;
  for (auto it = gaps_.begin(); it != gaps_.end() && out.size() < limit; ++it) {
    out.push_back(it->first);
  }
  return out;
}

std::uint64_t IdTracker::TakeOverflowed() {
  const std::uint64_t n = overflowed_;
  overflowed_ = 0;
  return n;
}

}  // namespace pipeline_exporter

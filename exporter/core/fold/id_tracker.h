#pragma once
// Which event ids the tail has applied, so that every row is applied exactly once even when
// writers commit out of id order (MySQL auto-increment and PostgreSQL sequences hand out
// ids at insert time, not at commit). It keeps the highest id seen and the gaps below it:
// ids not seen yet, each with the (database) time it was first missed. A gap is filled when
// its row appears, and given up after a grace period (an insert that was rolled back).
// Pure; not thread-safe; owned by one Tailer.

#include <cstdint>
#include <map>
#include <vector>

namespace pipeline_exporter {

class IdTracker {
 public:
  // `max_gap_span`: a jump larger than this (a sequence cache jump, a restore) is not
  // tracked id by id; `max_open_gaps`: beyond it the oldest gaps are given up first.
  explicit IdTracker(std::int64_t grace_ms, std::int64_t max_gap_span = 10000,
                     std::size_t max_open_gaps = 100000)
      : grace_ms_(grace_ms), max_gap_span_(max_gap_span), max_open_gaps_(max_open_gaps) {}

  // Forgets everything; ids up to `after_id` count as seen.
  void Reset(std::int64_t after_id);

  // True when the row must be applied: it is new, or it fills a gap. `now_ms` dates the
  // gaps it opens.
  bool Accept(std::int64_t id, std::int64_t now_ms);

  // Gives up the gaps older than the grace period; returns how many.
  std::uint64_t Expire(std::int64_t now_ms);

  std::int64_t max_seen() const { return max_seen_; }
  std::size_t open_gap_count() const { return gaps_.size(); }
  // The oldest open gaps, ascending, at most `limit` (to ask the database for).
  std::vector<std::int64_t> OpenGaps(std::size_t limit) const;
  // Gaps given up because too many were open (counted like expired ones).
  std::uint64_t TakeOverflowed();

 private:
  std::int64_t grace_ms_;
  std::int64_t max_gap_span_;
  std::size_t max_open_gaps_;
  std::int64_t max_seen_ = 0;
  std::map<std::int64_t, std::int64_t> gaps_;  // id → first missed at (ms)
  std::uint64_t overflowed_ = 0;
};

}  // namespace pipeline_exporter

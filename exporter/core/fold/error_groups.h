#pragma once
// Groups a batch's error rows (error, stage_failed, batch_failed) by stage and normalised
// message (SPEC §5 GET /api/batch/{id}/errors): messages that differ only in numbers or
// white space are one kind of error. Fed one row at a time, so the rows can be read a page
// at a time; memory is bounded by `max_groups` (rows of further kinds count in `other`).
// Not thread-safe; plain value.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/core/fold/stage_event.h"

namespace pipeline_exporter {

// Digits runs become "N", white space runs one space, trimmed, at most 200 characters.
std::string NormaliseErrorMessage(std::string_view message);

struct ErrorGroup {
  std::string stage;  // empty for batch-level errors
  std::string message;
  std::int64_t count = 0;
  std::int64_t first_ms = 0;
  std::int64_t last_ms = 0;
  std::int64_t sample_event_id = 0;  // the group's earliest row
};

class ErrorGroups {
 public:
  explicit ErrorGroups(std::size_t max_groups = 1000) : max_groups_(max_groups) {}

  // The event types that are errors: the rows to add.
  static const std::vector<std::string>& ErrorTypes();
  static bool IsError(std::string_view event_type);

  void Add(const StageEvent& row);
  // Most frequent first, then by earliest row.
  std::vector<ErrorGroup> Sorted() const;
  std::int64_t other() const { return other_; }

 private:
  std::size_t max_groups_;
  std::map<std::pair<std::string, std::string>, ErrorGroup> groups_;
  std::int64_t other_ = 0;
};

}  // namespace pipeline_exporter

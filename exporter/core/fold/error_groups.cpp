#include "exporter/core/fold/error_groups.h"

#include <algorithm>

namespace pipeline_exporter {

std::string NormaliseErrorMessage(std::string_view message) {
  std::string out;
  bool in_number = false;
  bool in_space = false;
  for (std::size_t i = 0; i < message.size() && out.size() < 200; ++i) {
    const auto c = static_cast<unsigned char>(message[i]);
    if (c >= '0' && c <= '9') {
      if (!in_number) out += 'N';
      in_number = true;
      in_space = false;
      continue;
    }
    in_number = false;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      if (!in_space && !out.empty()) out += ' ';
      in_space = true;
      continue;
    }
    in_space = false;
    out += static_cast<char>(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

const std::vector<std::string>& ErrorGroups::ErrorTypes() {
  static const std::vector<std::string> kTypes = {"error", "stage_failed", "batch_failed"};
  return kTypes;
}

bool ErrorGroups::IsError(std::string_view event_type) {
  const auto& types = ErrorTypes();
  return std::find(types.begin(), types.end(), event_type) != types.end();
}

void ErrorGroups::Add(const StageEvent& row) {
  std::pair<std::string, std::string> key{row.stage,
                                          NormaliseErrorMessage(row.error_message.value_or(""))};
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    if (groups_.size() >= max_groups_) {
      ++other_;
      return;
    }
    ErrorGroup g;
    g.stage = key.first;
    g.message = key.second;
    g.first_ms = row.timestamp_ms;
    g.last_ms = row.timestamp_ms;
    g.sample_event_id = row.id;
    it = groups_.emplace(std::move(key), std::move(g)).first;
  }
  ErrorGroup& g = it->second;
  ++g.count;
  g.first_ms = std::min(g.first_ms, row.timestamp_ms);
  g.last_ms = std::max(g.last_ms, row.timestamp_ms);
  g.sample_event_id = std::min(g.sample_event_id, row.id);
}

std::vector<ErrorGroup> ErrorGroups::Sorted() const {
  std::vector<ErrorGroup> out;
  out.reserve(groups_.size());
  for (const auto& [key, g] : groups_) out.push_back(g);
  std::sort(out.begin(), out.end(), [](const ErrorGroup& a, const ErrorGroup& b) {
    return a.count != b.count ? a.count > b.count : a.sample_event_id < b.sample_event_id;
  });
  return out;
}

}  // namespace pipeline_exporter

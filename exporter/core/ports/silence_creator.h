#pragma once
// Seam: creates one Alertmanager silence (POST /api/alerts/silence, SPEC §5) whose matchers
// are an alert's labels, each by equality. Implementations: AlertmanagerClient
// (exporter/alerting), FakeAlertmanager (tests). Thread-safe; failures are reported in the
// result (`error`), never thrown.

#include <cstdint>
#include <map>
#include <string>

namespace pipeline_exporter {

struct SilenceRequest {
  std::map<std::string, std::string> matchers;  // label name → value, all equality matchers
  std::int64_t starts_at_ms = 0;                // UTC epoch milliseconds
  std::int64_t ends_at_ms = 0;
  std::string created_by;
  std::string comment;
};

struct SilenceResult {
  std::string id;     // the silence's id; empty on failure
  std::string error;  // why it failed; empty on success
};

class SilenceCreator {
 public:
  virtual ~SilenceCreator() = default;
  virtual SilenceResult CreateSilence(const SilenceRequest& request) = 0;
};

}  // namespace pipeline_exporter

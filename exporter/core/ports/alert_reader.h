#pragma once
// Seam: the alerts of one pipeline as Alertmanager holds them (GET /api/alerts, SPEC §5):
// every alert whose `pipeline` label names it, firing or silenced, each silenced one with the
// silence that mutes it. Implementations: AlertmanagerClient (exporter/alerting, over
// Alertmanager's API v2), CachedAlertReader (the same, shared by every page for a few seconds),
// FakeAlertmanager (tests). Thread-safe; an unreachable or failing Alertmanager is reported in
// the result (`error`), never thrown.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pipeline_exporter {

// The silence that mutes an alert, as Alertmanager reports it.
struct AlertSilence {
  std::string id;
  std::string created_by;
  std::string comment;
  std::string starts_at;  // RFC 3339, as Alertmanager wrote it
  std::string ends_at;
};

struct Alert {
  std::string fingerprint;                    // Alertmanager's id of the label set
  std::map<std::string, std::string> labels;  // alertname, pipeline, severity, batch_id, …
  std::map<std::string, std::string> annotations;
  std::string state;                    // "active", "suppressed" or "unprocessed"
  std::string starts_at;                // RFC 3339
  std::optional<AlertSilence> silence;  // set while a silence mutes it
};

struct AlertList {
  std::vector<Alert> alerts;  // firing ones first, then by start (newest first)
  std::string error;          // empty when Alertmanager answered
  bool truncated = false;     // more alerts matched than a reader keeps
};

class AlertReader {
 public:
  virtual ~AlertReader() = default;
  virtual AlertList ReadAlerts(const std::string& pipeline) = 0;
};

}  // namespace pipeline_exporter

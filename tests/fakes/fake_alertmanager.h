#pragma once
// Alertmanager as the AlertReader and SilenceCreator seams see it, in memory: alerts are
// added by the test (per pipeline), silences recorded; `down` makes every call fail as an
// unreachable Alertmanager would. Counts the reads. Thread-safe.

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/core/ports/alert_reader.h"
#include "exporter/core/ports/silence_creator.h"

namespace pipeline_exporter {

class FakeAlertmanager final : public AlertReader, public SilenceCreator {
 public:
  void Add(const std::string& pipeline, Alert alert) {
    std::lock_guard<std::mutex> lock(mu_);
    alerts_[pipeline].push_back(std::move(alert));
  }
  AlertList ReadAlerts(const std::string& pipeline) override {
    ++reads;
    std::lock_guard<std::mutex> lock(mu_);
    AlertList out;
    if (down) {
      out.error = "connection refused";
      return out;
    }
    out.alerts = alerts_[pipeline];
    return out;
  }
  SilenceResult CreateSilence(const SilenceRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down) return {"", "connection refused"};
    silences_.push_back(request);
    return {"silence-" + std::to_string(silences_.size()), ""};
  }
  std::vector<SilenceRequest> silences() {
    std::lock_guard<std::mutex> lock(mu_);
    return silences_;
  }

  std::atomic<bool> down{false};
  std::atomic<int> reads{0};

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<Alert>> alerts_;
  std::vector<SilenceRequest> silences_;
};

// An alert as Alertmanager would hold one of the shipped rules' alerts for `pipeline`.
inline Alert MakeAlert(const std::string& fingerprint, const std::string& name,
                       const std::string& pipeline, const std::string& severity = "warning") {
  Alert a;
  a.fingerprint = fingerprint;
  a.labels = {{"alertname", name}, {"pipeline", pipeline}, {"severity", severity}};
  a.annotations = {{"summary", name + " on " + pipeline}};
  a.state = "active";
  a.starts_at = "2026-12-02T03:00:00.000Z";
  return a;
}

}  // namespace pipeline_exporter

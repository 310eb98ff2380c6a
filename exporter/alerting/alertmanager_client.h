#pragma once
// Alertmanager's API v2 behind the AlertReader and SilenceCreator seams (SPEC §5): a
// pipeline's alerts are those whose `pipeline` label names it (GET /api/v2/alerts with that
// filter, active, silenced and inhibited ones alike), each silenced one with its silence (from
// GET /api/v2/silences, asked only when some alert is silenced); a silence is
// POST /api/v2/silences. Every exchange has one deadline and a capped response
// (HttpClient), and at most `max_alerts` alerts are kept (the list says when more matched).
// Thread-safe (stateless after construction); failures are reported in the results.

#include <string>

#include "exporter/alerting/http_client.h"
#include "exporter/core/ports/alert_reader.h"
#include "exporter/core/ports/silence_creator.h"

namespace pipeline_exporter {

class AlertmanagerClient final : public AlertReader, public SilenceCreator {
 public:
  AlertmanagerClient(HttpUrl url, HttpClientOptions options, std::size_t max_alerts = 500)
      : http_(std::move(url), options), max_alerts_(max_alerts) {}

  AlertList ReadAlerts(const std::string& pipeline) override;
  SilenceResult CreateSilence(const SilenceRequest& request) override;

  // Alertmanager's JSON → alerts (sorted: firing first, then newest first; at most
  // `max_alerts`) and silences; false with *error set when it is not what the API returns.
  // Pure; exposed for tests.
  static bool ParseAlerts(const std::string& json, std::size_t max_alerts, AlertList* out);
  static bool ParseSilences(const std::string& json, std::vector<AlertSilence>* out);
  // The body of POST /api/v2/silences. Pure.
  static std::string SilenceBody(const SilenceRequest& request);
  // `name="value"` with the value's \ and " escaped, for the API's filter parameter. Pure.
  static std::string EqualityMatcher(const std::string& name, const std::string& value);

 private:
  HttpClient http_;
  std::size_t max_alerts_;
};

}  // namespace pipeline_exporter

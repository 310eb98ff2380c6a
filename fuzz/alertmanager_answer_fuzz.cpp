// Fuzz target: any bytes as Alertmanager's answer (its alerts, its silences) and as a
// configured alertmanager_url. The parsers keep at most the alerts asked for, each with a
// fingerprint; every alert renders as JSON the page can parse; a URL either parses into a host
// and a valid port or is refused with a reason.

#include <nlohmann/json.hpp>
#include <string>

#include "exporter/alerting/alertmanager_client.h"
#include "exporter/http/api_json.h"
#include "exporter/util/http_url.h"
#include "fuzz/fuzz_check.h"

namespace pe = pipeline_exporter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  pe::AlertList list;
  if (pe::AlertmanagerClient::ParseAlerts(text, 5, &list)) {
    FUZZ_CHECK(list.alerts.size() <= 5);
    FUZZ_CHECK(list.error.empty());
    bool seen_silenced = false;
    for (const pe::Alert& a : list.alerts) {
      FUZZ_CHECK(!a.fingerprint.empty());
      // Firing ones first.
      FUZZ_CHECK(!(seen_silenced && !a.silence));
      seen_silenced = seen_silenced || a.silence.has_value();
      const auto back = nlohmann::json::parse(pe::Dump(pe::AlertJson(a)), nullptr, false);
      FUZZ_CHECK(back.is_object() && back["fingerprint"].is_string());
    }
  } else {
    FUZZ_CHECK(!list.error.empty() && list.alerts.empty());
  }

  std::vector<pe::AlertSilence> silences;
  if (pe::AlertmanagerClient::ParseSilences(text, &silences)) {
    for (const auto& s : silences) FUZZ_CHECK(!s.id.empty());
  }

  std::string why;
  if (const auto url = pe::ParseHttpUrl(text, &why)) {
    FUZZ_CHECK(!url->host.empty());
    FUZZ_CHECK(url->port >= 1 && url->port <= 65535);
    FUZZ_CHECK(url->path_prefix.empty() || url->path_prefix.front() == '/');
  } else {
    FUZZ_CHECK(!why.empty());
  }
  return 0;
}

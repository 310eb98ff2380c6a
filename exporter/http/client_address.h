#pragma once
// Who a request comes from, for limits and the audit trail: the peer's address, unless the
// peer is a trusted reverse proxy (web config `trusted_proxies`); then the client its
// `X-Forwarded-For` names — the right-most entry that is not itself a trusted proxy, since
// entries further left are whatever the client chose to send — or else its `X-Real-IP`. A value
// that is not an IP address is ignored. Pure; thread-safe.

#include <map>
#include <string>
#include <vector>

namespace pipeline_exporter {

// `headers` with lower-cased names, as HttpRequest holds them.
std::string ClientAddress(const std::string& peer,
                          const std::map<std::string, std::string>& headers,
                          const std::vector<std::string>& trusted_proxies);

}  // namespace pipeline_exporter

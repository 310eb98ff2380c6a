#pragma once
// Writes metric families in the two exposition formats Prometheus reads, straight into a
// string (no iostreams; numbers via std::to_chars, shortest round-trip). Pure; thread-safe.

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "exporter/core/exposition/exposition.h"

namespace pipeline_exporter {

// Text format 0.0.4: prometheus::TextSerializer's layout, several times faster (and NaN
// spelled as the format says, HELP's backslashes escaped, families without series left out).
void AppendTextFormat(const std::vector<prometheus::MetricFamily>& families, std::string& out);

// OpenMetrics 1.0 text, ending in `# EOF`: a counter family is named without its `_total`
// (its samples keep it; a counter not named *_total is written as `unknown`, so no series
// changes its name); `# UNIT` for families named *_seconds or *_bytes; exemplars
// `# {event_id="…",batch_id="…"} value timestamp` on counter samples and histogram buckets
// only. `exemplars` is as in Exposition (parallel to `families`, or shorter).
void AppendOpenMetrics(const std::vector<prometheus::MetricFamily>& families,
                       const std::vector<std::vector<MetricExemplars>>& exemplars,
                       std::string& out);

}  // namespace pipeline_exporter

#include "exporter/core/text_format.h"

#include <charconv>
#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

namespace pipeline_exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricType;

void AppendNumber(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    // Whole numbers (counts, ids, timestamps) as integers: "1000000", not "1e+06".
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v));
    out.append(buf, r.ptr);
  } else {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

void AppendUnsigned(std::uint64_t v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

bool NeedsEscape(const std::string& s, bool quotes) {
  // A plain loop: find_first_of with a character set calls memchr once per input character.
  for (char c : s) {
    if (c == '\\' || c == '\n' || (quotes && c == '"')) return true;
  }
  return false;
}

// HELP text: backslash and newline escaped. Label values also escape the double quote.
void AppendEscaped(const std::string& s, bool quotes, std::string& out) {
  if (!NeedsEscape(s, quotes)) {
    out += s;  // the usual case: nothing to escape
    return;
  }
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quotes && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `name="value",…` of one series, without braces; rendered once per series and reused for
// every line of it (a histogram has a dozen).
void RenderLabels(const ClientMetric& m, std::string& out) {
  out.clear();
  for (const auto& l : m.label) {
    if (!out.empty()) out += ',';
    out += l.name;
    out += "=\"";
    AppendEscaped(l.value, /*quotes=*/true, out);
    out += '"';
  }
}

// name[suffix]{labels} followed by a space.
void AppendSeries(const std::string& name, std::string_view suffix, const std::string& labels,
                  std::string& out) {
  out += name;
  out += suffix;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
}

// The `le` or `quantile` values of a family repeat for every series: formatted once.
class BoundText {
 public:
  const std::string& operator()(double v) {
    for (const auto& [value, text] : cache_) {
      if (value == v || (std::isnan(value) && std::isnan(v))) return text;
    }
    std::string text;
    AppendNumber(v, text);
    cache_.emplace_back(v, std::move(text));
    return cache_.back().second;
  }

 private:
  std::vector<std::pair<double, std::string>> cache_;
};

// name_bucket{labels,le="0.5"} — the extra label of histogram buckets and summary quantiles.
void AppendSeriesWith(const std::string& name, std::string_view suffix, const std::string& labels,
                      const char* extra_name, const std::string& extra_value, std::string& out) {
  out += name;
  out += suffix;
  out += '{';
  if (!labels.empty()) {
    out += labels;
    out += ',';
  }
  out += extra_name;
  out += "=\"";
  out += extra_value;
  out += "\"} ";
}

// The _count and _sum lines of a histogram or summary.
void AppendCountAndSum(const std::string& name, const std::string& labels, std::uint64_t count,
                       double sum, std::string& out) {
  AppendSeries(name, "_count", labels, out);
  AppendUnsigned(count, out);
  out += '\n';
  AppendSeries(name, "_sum", labels, out);
  AppendNumber(sum, out);
  out += '\n';
}

const char* TypeName(MetricType t) {
  switch (t) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Summary:
      return "summary";
    case MetricType::Histogram:
      return "histogram";
    default:
      return "untyped";
  }
}

}  // namespace

void AppendTextFormat(const std::vector<prometheus::MetricFamily>& families, std::string& out) {
  std::string labels;
  for (const auto& f : families) {
    if (f.metric.empty()) continue;
    out += "# HELP ";
    out += f.name;
    out += ' ';
    AppendEscaped(f.help, /*quotes=*/false, out);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += TypeName(f.type);
    out += '\n';
    BoundText bounds;
    for (const auto& m : f.metric) {
      RenderLabels(m, labels);
      switch (f.type) {
        case MetricType::Counter:
          AppendSeries(f.name, "", labels, out);
          AppendNumber(m.counter.value, out);
          out += '\n';
          break;
        case MetricType::Gauge:
          AppendSeries(f.name, "", labels, out);
          AppendNumber(m.gauge.value, out);
          out += '\n';
          break;
        case MetricType::Histogram:
          AppendCountAndSum(f.name, labels, m.histogram.sample_count, m.histogram.sample_sum, out);
          for (const auto& b : m.histogram.bucket) {
            AppendSeriesWith(f.name, "_bucket", labels, "le", bounds(b.upper_bound), out);
            AppendUnsigned(b.cumulative_count, out);
            out += '\n';
          }
          break;
        case MetricType::Summary:
          AppendCountAndSum(f.name, labels, m.summary.sample_count, m.summary.sample_sum, out);
          for (const auto& q : m.summary.quantile) {
            AppendSeriesWith(f.name, "", labels, "quantile", bounds(q.quantile), out);
            AppendNumber(q.value, out);
            out += '\n';
          }
          break;
        default:
          AppendSeries(f.name, "", labels, out);
          AppendNumber(m.untyped.value, out);
          out += '\n';
      }
    }
  }
}

}  // namespace pipeline_exporter

#include "exporter/core/exposition/text_format.h"

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

template <typename Int>
void AppendInteger(Int v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void AppendUnsigned(std::uint64_t v, std::string& out) { AppendInteger(v, out); }

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

// `# HELP name text` and `# TYPE name type`; OpenMetrics also escapes the help's quotes.
void AppendHelpAndType(std::string_view name, const std::string& help, bool quotes,
                       const char* type, std::string& out) {
  out += "# HELP ";
  out += name;
  out += ' ';
  AppendEscaped(help, quotes, out);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// ` # {event_id="…",batch_id="…"} value timestamp` after an OpenMetrics sample.
void AppendExemplar(const std::optional<Exemplar>& e, std::string& out) {
  if (!e) return;
  out += " # {event_id=\"";
  AppendInteger(e->event_id, out);
  out += "\",batch_id=\"";
  AppendInteger(e->batch_id, out);
  out += "\"} ";
  AppendNumber(e->value, out);
  out += ' ';
  AppendNumber(e->timestamp_seconds, out);
}

// The OpenMetrics family: its name (a counter's without `_total`) and type.
struct OpenMetricsFamily {
  std::string_view name;
  const char* type;
};

OpenMetricsFamily OpenMetricsNameAndType(const prometheus::MetricFamily& f) {
  constexpr std::string_view kTotal = "_total";
  if (f.type == MetricType::Counter) {
    if (EndsWith(f.name, kTotal) && f.name.size() > kTotal.size()) {
      return {std::string_view(f.name).substr(0, f.name.size() - kTotal.size()), "counter"};
    }
    return {f.name, "unknown"};  // its samples must keep their name
  }
  return {f.name, f.type == MetricType::Untyped ? "unknown" : TypeName(f.type)};
}

const char* UnitOf(std::string_view family) {
  if (EndsWith(family, "_seconds")) return "seconds";
  if (EndsWith(family, "_bytes")) return "bytes";
  return nullptr;
}

}  // namespace

void AppendOpenMetrics(const std::vector<prometheus::MetricFamily>& families,
                       const std::vector<std::vector<MetricExemplars>>& exemplars,
                       std::string& out) {
  static const std::vector<MetricExemplars> kNone;
  static const MetricExemplars kNoneForMetric;
  std::string labels;
  for (std::size_t fi = 0; fi < families.size(); ++fi) {
    const prometheus::MetricFamily& f = families[fi];
    if (f.metric.empty()) continue;
    const std::vector<MetricExemplars>& family_exemplars =
        fi < exemplars.size() ? exemplars[fi] : kNone;
    const OpenMetricsFamily om = OpenMetricsNameAndType(f);
    AppendHelpAndType(om.name, f.help, /*quotes=*/true, om.type, out);
    // An `unknown` family (a counter not named *_total) takes no exemplar.
    const bool counter_exemplars = om.type == std::string_view("counter");
    if (const char* unit = UnitOf(om.name)) {
      out += "# UNIT ";
      out += om.name;
      out += ' ';
      out += unit;
      out += '\n';
    }
    BoundText bounds;
    for (std::size_t mi = 0; mi < f.metric.size(); ++mi) {
      const ClientMetric& m = f.metric[mi];
      const MetricExemplars& mx =
          mi < family_exemplars.size() ? family_exemplars[mi] : kNoneForMetric;
      RenderLabels(m, labels);
      switch (f.type) {
        case MetricType::Counter:
          AppendSeries(f.name, "", labels, out);
          AppendNumber(m.counter.value, out);
          if (counter_exemplars) AppendExemplar(mx.value, out);
          out += '\n';
          break;
        case MetricType::Gauge:  // never an exemplar: Prometheus refuses the whole scrape
          AppendSeries(f.name, "", labels, out);
          AppendNumber(m.gauge.value, out);
          out += '\n';
          break;
        case MetricType::Histogram:
          for (std::size_t bi = 0; bi < m.histogram.bucket.size(); ++bi) {
            const auto& b = m.histogram.bucket[bi];
            AppendSeriesWith(f.name, "_bucket", labels, "le", bounds(b.upper_bound), out);
            AppendUnsigned(b.cumulative_count, out);
            if (bi < mx.buckets.size()) AppendExemplar(mx.buckets[bi], out);
            out += '\n';
          }
          AppendCountAndSum(f.name, labels, m.histogram.sample_count, m.histogram.sample_sum, out);
          break;
        case MetricType::Summary:
          for (const auto& q : m.summary.quantile) {
            AppendSeriesWith(f.name, "", labels, "quantile", bounds(q.quantile), out);
            AppendNumber(q.value, out);
            out += '\n';
          }
          AppendCountAndSum(f.name, labels, m.summary.sample_count, m.summary.sample_sum, out);
          break;
        default:
          AppendSeries(f.name, "", labels, out);
          AppendNumber(m.untyped.value, out);
          out += '\n';
      }
    }
  }
  out += "# EOF\n";
}

void AppendTextFormat(const std::vector<prometheus::MetricFamily>& families, std::string& out) {
  std::string labels;
  for (const auto& f : families) {
    if (f.metric.empty()) continue;
    AppendHelpAndType(f.name, f.help, /*quotes=*/false, TypeName(f.type), out);
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

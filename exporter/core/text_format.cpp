#include "exporter/core/text_format.h"

#include <charconv>
#include <cmath>

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

// HELP text: backslash and newline escaped.
void AppendHelp(const std::string& s, std::string& out) {
  if (s.find_first_of("\\\n") == std::string::npos) {
    out += s;
    return;
  }
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// Label values: backslash, double quote and newline escaped.
void AppendLabelValue(const std::string& s, std::string& out) {
  if (s.find_first_of("\\\"\n") == std::string::npos) {
    out += s;  // the usual case: nothing to escape
    return;
  }
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

// name{labels[,extra_name="extra_value"]} — the extra label is histograms' `le`.
void AppendSeries(const std::string& name, const char* suffix, const ClientMetric& m,
                  const char* extra_name, double extra_value, std::string& out) {
  out += name;
  out += suffix;
  if (!m.label.empty() || extra_name) {
    out += '{';
    bool first = true;
    for (const auto& l : m.label) {
      if (!first) out += ',';
      first = false;
      out += l.name;
      out += "=\"";
      AppendLabelValue(l.value, out);
      out += '"';
    }
    if (extra_name) {
      if (!first) out += ',';
      out += extra_name;
      out += "=\"";
      AppendNumber(extra_value, out);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
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
  for (const auto& f : families) {
    if (f.metric.empty()) continue;
    out += "# HELP ";
    out += f.name;
    out += ' ';
    AppendHelp(f.help, out);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += TypeName(f.type);
    out += '\n';
    for (const auto& m : f.metric) {
      switch (f.type) {
        case MetricType::Counter:
          AppendSeries(f.name, "", m, nullptr, 0, out);
          AppendNumber(m.counter.value, out);
          out += '\n';
          break;
        case MetricType::Gauge:
          AppendSeries(f.name, "", m, nullptr, 0, out);
          AppendNumber(m.gauge.value, out);
          out += '\n';
          break;
        case MetricType::Histogram:
          AppendSeries(f.name, "_count", m, nullptr, 0, out);
          AppendUnsigned(m.histogram.sample_count, out);
          out += '\n';
          AppendSeries(f.name, "_sum", m, nullptr, 0, out);
          AppendNumber(m.histogram.sample_sum, out);
          out += '\n';
          for (const auto& b : m.histogram.bucket) {
            AppendSeries(f.name, "_bucket", m, "le", b.upper_bound, out);
            AppendUnsigned(b.cumulative_count, out);
            out += '\n';
          }
          break;
        case MetricType::Summary:
          AppendSeries(f.name, "_count", m, nullptr, 0, out);
          AppendUnsigned(m.summary.sample_count, out);
          out += '\n';
          AppendSeries(f.name, "_sum", m, nullptr, 0, out);
          AppendNumber(m.summary.sample_sum, out);
          out += '\n';
          for (const auto& q : m.summary.quantile) {
            AppendSeries(f.name, "", m, "quantile", q.quantile, out);
            AppendNumber(q.value, out);
            out += '\n';
          }
          break;
        default:
          AppendSeries(f.name, "", m, nullptr, 0, out);
          AppendNumber(m.untyped.value, out);
          out += '\n';
      }
    }
  }
}

}  // namespace pipeline_exporter

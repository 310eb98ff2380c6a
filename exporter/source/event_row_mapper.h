#pragma once
// The one mapping from a row of EventColumns() to a StageEvent. It is written once, over a
// `Cells` accessor, and used through SOCI's type_conversion (soci::rowset<StageEvent>, any
// backend) and over SQLite's own statement (the tail's fast path, whose replay speed is
// bound by SOCI's per-row conversions). Cells provides IsNull(i), Int(i) and Text(i).
// Pure; thread-safe.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

#include "exporter/core/fold/stage_event.h"
#include "exporter/source/event_columns.h"

namespace pipeline_exporter {

template <typename Cells>
StageEvent MapEventRow(const Cells& c, std::size_t columns) {
  auto text = [&c](std::size_t i) -> std::optional<std::string> {
    if (c.IsNull(i)) return std::nullopt;
    return c.Text(i);
  };
  auto integer = [&c](std::size_t i) -> std::optional<std::int64_t> {
    if (c.IsNull(i)) return std::nullopt;
    return c.Int(i);
  };
  auto capped = [&](std::size_t i) -> std::optional<CappedText> {
    auto t = text(i);
    if (!t) return std::nullopt;
    CappedText out;
    out.length = integer(i + 1).value_or(0);
    out.truncated = out.length > static_cast<std::int64_t>(kPayloadCap);
    out.text = std::move(*t);
    return out;
  };
  StageEvent e;
  e.id = integer(0).value_or(0);
  e.batch_id = integer(1).value_or(0);
  e.stage = text(2).value_or("");
  e.event_type = text(3).value_or("");
  e.file_name = text(4);
  e.gpu_ip = text(5);
  e.total_files = integer(6);
  e.processed_files = integer(7);
  e.failed_files = integer(8);
  e.duration_ms = integer(9);
  e.timestamp_ms = integer(10).value_or(0);
  e.batch_metadata = text(11);
  e.error_message = text(12);
  e.sub_stage = text(13);
  if (columns >= kPayloadColumnCount) {
    e.request_payload = capped(14);
    e.response = capped(16);
    e.full_error_message = capped(18);
  }
  return e;
}

// Cells over SOCI's dynamic row. Backends report column types differently (SQLite by
// declared type, MySQL's LENGTH as an unsigned, PostgreSQL's as an integer): integers and
// text are read whatever the type.
class SociValuesCells {
 public:
  explicit SociValuesCells(const soci::values& v) : v_(v) {}
  bool IsNull(std::size_t i) const { return v_.get_indicator(i) == soci::i_null; }
  std::int64_t Int(std::size_t i) const;
  std::string Text(std::size_t i) const;

 private:
  const soci::values& v_;
};

}  // namespace pipeline_exporter

namespace soci {

// soci::rowset<StageEvent> over a query selecting EventColumns().
template <>
struct type_conversion<pipeline_exporter::StageEvent> {
  using base_type = values;
  static void from_base(const values& v, indicator, pipeline_exporter::StageEvent& out) {
    out = pipeline_exporter::MapEventRow(pipeline_exporter::SociValuesCells(v),
                                         v.get_number_of_columns());
  }
};

}  // namespace soci

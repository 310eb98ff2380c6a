#include "exporter/source/event_row_mapper.h"

#include <charconv>

namespace pipeline_exporter {

std::int64_t SociValuesCells::Int(std::size_t i) const {
  switch (v_.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return v_.get<int>(i);
    case soci::dt_long_long:
      return v_.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<std::int64_t>(v_.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<std::int64_t>(v_.get<double>(i));
    case soci::dt_string: {
      const std::string s = v_.get<std::string>(i);
      std::int64_t out = 0;
      std::from_chars(s.data(), s.data() + s.size(), out);
      return out;
    }
    default:
      return 0;
  }
}

std::string SociValuesCells::Text(std::size_t i) const {
  if (v_.get_properties(i).get_data_type() == soci::dt_string) return v_.get<std::string>(i);
  return std::to_string(Int(i));
}

}  // namespace pipeline_exporter

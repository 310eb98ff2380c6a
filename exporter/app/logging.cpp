#include "exporter/app/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace pipeline_exporter {
namespace {

class JsonMembersFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string members =
        LogfmtToJsonMembers(std::string(msg.payload.data(), msg.payload.size()));
    dest.append(members.data(), members.data() + members.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMembersFlag>();
  }
};

}  // namespace

std::string LogfmtToJsonMembers(const std::string& s) {
  nlohmann::ordered_json obj = nlohmann::ordered_json::object();
  std::size_t i = 0;
  std::string loose;  // text that was not key=value
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const std::size_t key_start = i;
    while (i < s.size() && s[i] != '=' && s[i] != ' ') ++i;
    if (i >= s.size() || s[i] != '=') {
      loose += (loose.empty() ? "" : " ") + s.substr(key_start, i - key_start);
      continue;
    }
    const std::string key = s.substr(key_start, i - key_start);
    ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) {
          ++i;
          switch (s[i]) {
            case 'n':
              value += '\n';
              break;
            case 'r':
              value += '\r';
              break;
            case 't':
              value += '\t';
              break;
            default:
              value += s[i];
          }
        } else {
          value += s[i];
        }
        ++i;
      }
      ++i;
    } else {
      while (i < s.size() && s[i] != ' ') value += s[i++];
    }
    obj[key] = value;
  }
  if (!loose.empty()) obj["msg"] = loose;
  std::string out = obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return out.size() > 2 ? out.substr(1, out.size() - 2) : std::string();
}

void ConfigureLogging(const std::string& level, const std::string& format) {
  auto logger = std::make_shared<spdlog::logger>("pipeline_exporter",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc,
                                                               std::string("\n"));
  if (format == "json") {
    formatter->add_flag<JsonMembersFlag>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%*})");
  } else {
    formatter->set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level == "warn" ? "warning" : level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace pipeline_exporter

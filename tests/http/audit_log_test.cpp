#include "exporter/http/audit_log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "exporter/core/exposition/text_format.h"

namespace pipeline_exporter {
namespace {

// Sends spdlog's default logger to a string for the life of the object.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("audit_test", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(AuditLogTest, OneQuotedLogLineAndOneCountPerAction) {
  ActionCounts counts;
  AuditLog audit(counts);
  CapturedLog log;
  audit.Record(AuditRecord{"cofi", "cancel", "alice", "192.0.2.7", "42", "GPU 3 \"hot\"\nfake=line",
                           "control row 7"});
  EXPECT_EQ(log.text(),
            "msg=\"audit\" pipeline=\"cofi\" action=\"cancel\" actor=\"alice\" from=\"192.0.2.7\" "
            "target=\"42\" result=\"control row 7\" detail=\"GPU 3 \\\"hot\\\"\\nfake=line\"\n");
  std::string text;
  AppendTextFormat(counts.Collect(), text);
  EXPECT_NE(text.find("{pipeline=\"cofi\",action=\"cancel\",actor=\"alice\"} 1\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace pipeline_exporter
